using System.CommandLine;
using System.Globalization;
using ActorFlow.Persistence.Checkpoints;

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
    public static Command Create()
    {
        var store = new StateStoreOptions();
        var list = Verb("list", "List the job's savepoints and its newest complete checkpoint.", store, named: false, (s, job, _, output, error, stop) => ListAsync(s, job, output, stop));
        var create = Verb("create", "Promote the job's newest complete checkpoint to a savepoint named NAME (kept until deleted).", store, named: true, CreateAsync);
        var delete = Verb("delete", "Delete the savepoint NAME (its snapshots go with the job's next prune).", store, named: true, DeleteAsync);
        return new Command("savepoint", "List, create and delete a job's savepoints in its state store.") { list, create, delete };
    }

    private static Command Verb(
        string name,
        string description,
        StateStoreOptions store,
        bool named,
        Func<ICheckpointStore, string, string, TextWriter, TextWriter, CancellationToken, Task<int>> run)
    {
        var job = CommandLine.JobArgument();
        var savepoint = new Argument<string>("name") { Description = "The savepoint's name." };
        var command = new Command(name, description) { job };
        if (named)
        {
            command.Add(savepoint);
        }

        store.AddTo(command);
        CommandLine.SetAction(command, async (parsed, output, stop) =>
        {
            await using var opened = store.Open(parsed);
            return await run(opened, parsed.GetValue(job)!, named ? parsed.GetValue(savepoint)! : string.Empty, output, parsed.InvocationConfiguration.Error, stop).ConfigureAwait(false);
        });
        return command;
    }

    private static async Task<int> ListAsync(ICheckpointStore store, string job, TextWriter output, CancellationToken stop)
    {
        var records = await store.ListAsync(job, stop).ConfigureAwait(false);
        if (records.Count == 0 && (await store.ListFailuresAsync(job, stop).ConfigureAwait(false)).Count == 0)
        {
            throw await StatusCommands.UnknownJobAsync(store, job, stop).ConfigureAwait(false);
        }

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
        // nothing (it is one conditional update) and the newest one is read again.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var newest = (await store.ListAsync(job, stop).ConfigureAwait(false)).LastOrDefault();
            if (newest is null)
            {
                await error.WriteLineAsync($"actorflow: job '{job}' has no complete checkpoint; run the job until it completes one").ConfigureAwait(false);
                return 1;
            }

            if (newest.IsSavepoint)
            {
                // Promoting an older checkpoint instead would give a savepoint of older state than asked for, without a word.
                await error.WriteLineAsync($"actorflow: job '{job}': its newest complete checkpoint {newest.CheckpointId} is already the savepoint '{newest.SavepointName}'; a running job completes a new checkpoint every checkpoint interval: try again after one").ConfigureAwait(false);
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
}
