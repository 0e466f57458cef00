using System.CommandLine;
using System.CommandLine.Parsing;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;

namespace ActorFlow.Cli;

/// <summary>The job's state store of a command: <c>--sqlite DIR</c> or <c>--postgres CONNECTION</c>, exactly one.</summary>
internal sealed class StateStoreOptions
{
    private readonly Option<string> _sqlite = new("--sqlite")
    {
        Description = "The job's state store: its SQLite data directory.",
        HelpName = "DIR",
    };

    private readonly Option<string> _postgres = new("--postgres")
    {
        Description = "The job's state store: a PostgreSQL connection string.",
        HelpName = "CONNECTION",
    };

    /// <summary>Adds both options to <paramref name="command"/> and checks that exactly one is given.</summary>
    public void AddTo(Command command)
    {
        command.Add(_sqlite);
        command.Add(_postgres);
        command.Validators.Add(r =>
        {
            if ((r.GetResult(_sqlite) is null) == (r.GetResult(_postgres) is null))
            {
                // System.CommandLine leaves a missing required argument unreported when this check fails: say both.
                foreach (var argument in r.Command.Arguments)
                {
                    if (argument.Arity.MinimumNumberOfValues > 0 && (r.GetResult(argument)?.Tokens.Count ?? 0) == 0)
                    {
                        r.AddError($"Required argument '{argument.Name}' missing for command: '{r.Command.Name}'.");
                    }
                }

                r.AddError($"{Name(r)} needs the state store: --sqlite DIR or --postgres CONNECTION (one of them).");
            }
        });
    }

    /// <summary>Opens the checkpoint store; a SQLite directory without a store fails the command (nothing is created there).</summary>
    public ICheckpointStore Open(ParseResult parsed)
    {
        if (parsed.GetValue(_sqlite) is { } dir)
        {
            var settings = StateStoreSettings.Sqlite(dir);
            return File.Exists(settings.SqliteFilePath)
                ? CheckpointStore.Create(settings)
                : throw new CommandFailedException($"no state store at {settings.SqliteFilePath}");
        }

        return CheckpointStore.Create(StateStoreSettings.PostgreSql(parsed.GetValue(_postgres)!));
    }

    private static string Name(CommandResult r) => r.Parent is CommandResult { Command: not RootCommand } parent ? $"{parent.Command.Name} {r.Command.Name}" : r.Command.Name;
}
