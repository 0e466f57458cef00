using System.CommandLine;
using ActorFlow.Cli;

namespace ActorFlow.Cli.Tests;

/// <summary>`--help` on every command, the usage error convention, and shell completion.</summary>
public sealed class HelpSpec
{
    /// <summary>Every command of the tree with its path: actorflow, actorflow broker, actorflow savepoint create, ….</summary>
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        void Walk(Command command, string path)
        {
            data.Add(path);
            foreach (var sub in command.Subcommands)
            {
                Walk(sub, (path + " " + sub.Name).Trim());
            }
        }

        Walk(CommandLine.Build(), string.Empty);
        return data;
    }

    /// <summary>
    /// Verify that `--help` of each command exits 0 and lists its description, every option (name and value
    /// placeholder), every argument and every sub-command.
    /// </summary>
    [Theory]
    [MemberData(nameof(Commands))]
    public async Task Help_must_list_every_option_argument_and_subcommand(string path)
    {
        var command = path.Split(' ', StringSplitOptions.RemoveEmptyEntries).Aggregate((Command)CommandLine.Build(), (at, name) => at.Subcommands.Single(s => s.Name == name));
        var (code, output, error) = await RunAsync([.. path.Split(' ', StringSplitOptions.RemoveEmptyEntries), "--help"]);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        Assert.Contains(command.Description!, output, StringComparison.Ordinal);
        Assert.Contains($"{CommandLine.Build().Name} {path}".Trim(), output, StringComparison.Ordinal); // actorflow, or the test host's name
        foreach (var option in command.Options)
        {
            Assert.Contains(option.HelpName is { } value ? $"{option.Name} <{value}>" : option.Name, output, StringComparison.Ordinal);
        }

        foreach (var argument in command.Arguments)
        {
            Assert.Contains($"<{argument.HelpName ?? argument.Name}>", output, StringComparison.Ordinal);
        }

        foreach (var sub in command.Subcommands)
        {
            Assert.Contains(sub.Name, output, StringComparison.Ordinal);
        }
    }

    /// <summary>Verify that the tool lists the commands users expect, with the state-store options where they need a store.</summary>
    [Fact]
    public void The_tool_must_have_the_documented_commands()
    {
        var root = CommandLine.Build();
        Assert.Equal(["broker", "registry", "avro", "savepoint", "jobs", "status", "bench"], root.Subcommands.Select(c => c.Name));
        foreach (var command in new[] { root.Subcommands.Single(c => c.Name == "jobs"), root.Subcommands.Single(c => c.Name == "status") }
            .Concat(root.Subcommands.Single(c => c.Name == "savepoint").Subcommands))
        {
            Assert.Contains(command.Options, o => o.Name == "--sqlite");
            Assert.Contains(command.Options, o => o.Name == "--postgres");
        }
    }

    /// <summary>
    /// Verify that a command line that does not parse exits 2 with each error on standard error, prefixed with
    /// "actorflow:", then where to find the usage of the command it stopped in; nothing goes to standard output.
    /// </summary>
    [Theory]
    [InlineData("", "actorflow: Required command was not provided.", "Run 'actorflow --help' for usage.")]
    [InlineData("status --sqlite d", "actorflow: Required argument 'job' missing for command: 'status'.", "Run 'actorflow status --help' for usage.")]
    [InlineData("status j", "actorflow: status needs the state store: --sqlite DIR or --postgres CONNECTION (one of them).", "Run 'actorflow status --help' for usage.")]
    [InlineData("jobs --sqlite d --colour", "actorflow: Unrecognized command or argument '--colour'.", "Run 'actorflow jobs --help' for usage.")]
    [InlineData("savepoint delete j n --sqlite", "actorflow: Required argument missing for option: '--sqlite'.", "Run 'actorflow savepoint delete --help' for usage.")]
    [InlineData("bench kafka --records 0", "actorflow: --records needs a positive number, not '0'.", "Run 'actorflow bench kafka --help' for usage.")]
    public async Task A_bad_command_line_must_exit_2_with_the_error_and_where_the_usage_is(string line, string expected, string hint)
    {
        var (code, output, error) = await RunAsync(line.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        var lines = error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Contains(expected, lines);
        Assert.Equal(hint, lines[^1]);
    }

    /// <summary>
    /// Verify that a command line missing both the job and the state store names both (it named only the store).
    /// </summary>
    [Theory]
    [InlineData("status", "job")]
    [InlineData("savepoint create", "job")]
    public async Task A_command_missing_its_job_and_store_must_name_both(string line, string argument)
    {
        var (code, _, error) = await RunAsync(line.Split(' '));

        Assert.Equal(2, code);
        var lines = error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        var command = line.Split(' ')[^1];
        Assert.Contains($"actorflow: Required argument '{argument}' missing for command: '{command}'.", lines);
        Assert.Contains($"actorflow: {line} needs the state store: --sqlite DIR or --postgres CONNECTION (one of them).", lines);
    }

    /// <summary>
    /// Verify that an unknown sub-command is reported once, by its word: System.CommandLine also reported the sub-command
    /// as missing ("Required command was not provided."), which read as if none had been typed.
    /// </summary>
    [Fact]
    public async Task An_unknown_command_must_be_reported_by_its_word_alone()
    {
        var (code, _, error) = await RunAsync(["bogus"]);

        Assert.Equal(2, code);
        var lines = error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(["actorflow: Unrecognized command or argument 'bogus'.", "Run 'actorflow --help' for usage."], lines);
    }

    /// <summary>Verify that an empty job name (a script's unset variable) is bad usage, not a failure inside the command.</summary>
    [Fact]
    public async Task An_empty_job_name_must_be_bad_usage()
    {
        var (code, _, error) = await RunAsync(["status", "", "--sqlite", "d"]);

        Assert.Equal(2, code);
        Assert.Contains("actorflow: the job name must not be empty.", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that the [suggest:POSITION] directive, called as dotnet-suggest's shell scripts call it (the whole
    /// command line typed so far as one argument), completes sub-commands, options and option values.
    /// </summary>
    [Theory]
    [InlineData("actorflow savepoint ", "list", "create", "delete")]
    [InlineData("actorflow status j --", "--sqlite", "--postgres", "--json")]
    [InlineData("actorflow registry --compatibility ", "BACKWARD", "FULL_TRANSITIVE")]
    public async Task Suggest_must_complete_commands_options_and_values(string typed, params string[] expected)
    {
        var (code, output, _) = await RunAsync([$"[suggest:{typed.Length}]", typed]);

        Assert.Equal(0, code);
        var suggestions = output.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(expected, e => Assert.Contains(e, suggestions));
        Assert.DoesNotContain("Backward", suggestions); // Confluent's spelling only
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
