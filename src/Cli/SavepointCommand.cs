using System.Globalization;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;

namespace ActorFlow.Cli;

/// <summary>
/// <c>actorflow savepoint list|create|delete</c>: works on the checkpoint store in the job's state store, from a
/// separate process. <c>create</c> cannot reach a running job's actors, so it promotes the job's newest complete
/// checkpoint to a named savepoint: as consistent as the checkpoint (state and offsets of one barrier), never pruned
/// afterwards, and neither are the snapshots it names. A savepoint of the state right now is taken by the job itself
/// (<c>RunningJob.SavepointAsync</c>).
/// </summary>
internal static class SavepointCommand
{
    public const string Usage = """
          savepoint list <job>                 list the job's savepoints (and its newest complete checkpoint)
          savepoint create <job> <name>        promote the job's newest complete checkpoint to savepoint <name>
          savepoint delete <job> <name>        delete savepoint <name> (its snapshots go with the job's next prune)
                   --sqlite DIR                the state store: the SQLite data directory of the job, or
                   --postgres CONNECTION       the PostgreSQL connection string
        """;

    public static async Task<int> RunAsync(ReadOnlyMemory<string> args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        var parsed = Parse(args.Span);
        if (parsed.Sqlite is { } dir && !File.Exists(StateStoreSettings.Sqlite(dir).SqliteFilePath))
        {
            await error.WriteLineAsync($"actorflow: no state store at {StateStoreSettings.Sqlite(dir).SqliteFilePath}").ConfigureAwait(false);
            return 1;
        }

        var settings = parsed.Sqlite is { } sqlite ? StateStoreSettings.Sqlite(sqlite) : StateStoreSettings.PostgreSql(parsed.Postgres!);
        await using var store = CheckpointStore.Create(settings);
        try
        {
            return parsed.Verb switch
            {
                "list" => await ListAsync(store, parsed.Job, output, stop).ConfigureAwait(false),
                "create" => await CreateAsync(store, parsed.Job, parsed.Name!, output, error, stop).ConfigureAwait(false),
                _ => await DeleteAsync(store, parsed.Job, parsed.Name!, output, error, stop).ConfigureAwait(false),
            };
        }
        catch (Exception e) when (e is InvalidOperationException or CorruptCheckpointException or System.Data.Common.DbException)
        {
            await error.WriteLineAsync("actorflow: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> ListAsync(ICheckpointStore store, string job, TextWriter output, CancellationToken stop)
    {
        var records = await store.ListAsync(job, stop).ConfigureAwait(false);
        var savepoints = records.Where(r => r.IsSavepoint).ToList();
        if (savepoints.Count == 0)
        {
            await output.WriteLineAsync($"job '{job}' has no savepoints").ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync("NAME\tCHECKPOINT\tCREATED (UTC)\tKEY GROUPS\tSTATE BYTES\tPARTITIONS").ConfigureAwait(false);
            foreach (var s in savepoints)
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{s.SavepointName}\t{s.CheckpointId}\t{Time(s):yyyy-MM-ddTHH:mm:ss.fffZ}\t{s.KeyGroups.Length}\t{s.TotalStateSizeBytes}\t{s.Offsets.Length}")).ConfigureAwait(false);
            }
        }

        if (records.Count > 0)
        {
            var latest = records[^1];
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"newest complete checkpoint: {latest.CheckpointId} ({Time(latest):yyyy-MM-ddTHH:mm:ss.fffZ}{(latest.IsSavepoint ? ", savepoint '" + latest.SavepointName + "'" : "")})")).ConfigureAwait(false);
        }

        return 0;
    }

    private static async Task<int> CreateAsync(ICheckpointStore store, string job, string name, TextWriter output, TextWriter error, CancellationToken stop)
    {
        if (await store.GetSavepointAsync(job, name, stop).ConfigureAwait(false) is { } existing)
        {
            await error.WriteLineAsync($"actorflow: job '{job}' already has a savepoint named '{name}' (checkpoint {existing.CheckpointId})").ConfigureAwait(false);
            return 1;
        }

        // A running job may prune the chosen checkpoint between reading and promoting it: then the promotion changes
        // nothing (it is one conditional update) and the next newest is tried.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var newest = (await store.ListAsync(job, stop).ConfigureAwait(false)).LastOrDefault(r => !r.IsSavepoint);
            if (newest is null)
            {
                await error.WriteLineAsync($"actorflow: job '{job}' has no complete checkpoint that is not already a savepoint; run the job until it completes one").ConfigureAwait(false);
                return 1;
            }

            if (await store.PromoteToSavepointAsync(job, newest.CheckpointId, name, stop).ConfigureAwait(false) is { } savepoint)
            {
                await output.WriteLineAsync(string.Create(
                    CultureInfo.InvariantCulture,
                    $"savepoint '{name}' of job '{job}' = checkpoint {savepoint.CheckpointId} completed {Time(savepoint):yyyy-MM-ddTHH:mm:ss.fffZ} ({savepoint.KeyGroups.Length} key groups, {savepoint.TotalStateSizeBytes} bytes of state, {savepoint.Offsets.Length} partitions)")).ConfigureAwait(false);
                return 0;
            }
        }

        await error.WriteLineAsync($"actorflow: job '{job}': the newest checkpoint was pruned three times before it could be promoted; try again").ConfigureAwait(false);
        return 1;
    }

    private static async Task<int> DeleteAsync(ICheckpointStore store, string job, string name, TextWriter output, TextWriter error, CancellationToken stop)
    {
        if (await store.GetSavepointAsync(job, name, stop).ConfigureAwait(false) is not { } savepoint)
        {
            var names = (await store.ListAsync(job, stop).ConfigureAwait(false)).Where(r => r.IsSavepoint).Select(r => $"'{r.SavepointName}'").ToList();
            await error.WriteLineAsync(names.Count == 0
                ? $"actorflow: job '{job}' has no savepoint named '{name}'; it has no savepoints"
                : $"actorflow: job '{job}' has no savepoint named '{name}'; its savepoints: {string.Join(", ", names)}").ConfigureAwait(false);
            return 1;
        }

        if ((await store.LoadLatestAsync(job, stop).ConfigureAwait(false))?.CheckpointId == savepoint.CheckpointId)
        {
            // The job's recovery point: removing it would send the job back to an older checkpoint. It loses its name
            // and becomes a plain checkpoint again, pruned as usual.
            await store.SaveAsync(savepoint with { IsSavepoint = false, SavepointName = null }, stop).ConfigureAwait(false);
            await output.WriteLineAsync($"deleted savepoint '{name}' of job '{job}'; checkpoint {savepoint.CheckpointId} stays the job's recovery point until newer checkpoints replace it").ConfigureAwait(false);
            return 0;
        }

        await store.DeleteAsync(job, savepoint.CheckpointId, stop).ConfigureAwait(false);
        await output.WriteLineAsync($"deleted savepoint '{name}' of job '{job}' (checkpoint {savepoint.CheckpointId}); the job deletes its snapshots at its next checkpoint").ConfigureAwait(false);
        return 0;
    }

    private static DateTimeOffset Time(CheckpointRecord record) => DateTimeOffset.FromUnixTimeMilliseconds(record.TimestampMs);

    private static Options Parse(ReadOnlySpan<string> args)
    {
        var positional = new List<string>();
        string? sqlite = null;
        string? postgres = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--sqlite":
                    sqlite = i + 1 < args.Length ? args[++i] : throw new CommandLine.UsageException("--sqlite needs a directory");
                    break;
                case "--postgres":
                    postgres = i + 1 < args.Length ? args[++i] : throw new CommandLine.UsageException("--postgres needs a connection string");
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    throw new CommandLine.UsageException($"unknown option '{option}'");
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        if ((sqlite is null) == (postgres is null))
        {
            throw new CommandLine.UsageException("savepoint needs the state store: --sqlite DIR or --postgres CONNECTION (one of them)");
        }

        var verb = positional.Count > 0 ? positional[0] : throw new CommandLine.UsageException("savepoint needs a sub-command: list, create or delete");
        var arity = verb switch
        {
            "list" => 2,
            "create" or "delete" => 3,
            _ => throw new CommandLine.UsageException($"unknown savepoint sub-command '{verb}'"),
        };
        if (positional.Count != arity)
        {
            throw new CommandLine.UsageException(arity == 2 ? "usage: savepoint list <job>" : $"usage: savepoint {verb} <job> <name>");
        }

        return new Options(verb, positional[1], arity == 3 ? positional[2] : null, sqlite, postgres);
    }

    private sealed record Options(string Verb, string Job, string? Name, string? Sqlite, string? Postgres);
}
