using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorFlow.Persistence.Checkpoints;

namespace ActorFlow.Cli;

/// <summary>
/// <c>actorflow jobs</c> and <c>actorflow status &lt;job&gt;</c>: what a job's state store holds (checkpoints,
/// savepoints, offsets, failures), read from a separate process; nothing is changed.
/// </summary>
internal static class StatusCommands
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    /// <summary><c>actorflow jobs</c>.</summary>
    public static Command CreateJobs()
    {
        var store = new StateStoreOptions();
        var json = JsonOption();
        var command = new Command("jobs", "List the jobs in a state store: newest checkpoint, savepoints and last failure of each.") { json };
        store.AddTo(command);
        CommandLine.SetAction(command, async (parsed, output, stop) =>
        {
            await using var opened = store.Open(parsed);
            var jobs = new List<JobSummary>();
            foreach (var job in await opened.ListJobsAsync(stop).ConfigureAwait(false))
            {
                var records = await ReadAsync(opened, job, stop).ConfigureAwait(false);
                var failures = await opened.ListFailuresAsync(job, stop).ConfigureAwait(false);
                jobs.Add(new JobSummary(job, records, failures));
            }

            if (parsed.GetValue(json))
            {
                await WriteJsonAsync(output, new JsonArray([.. jobs.Select(j => j.ToJson())])).ConfigureAwait(false);
                return CommandLine.Ok;
            }

            if (jobs.Count == 0)
            {
                await output.WriteLineAsync("no jobs in this state store").ConfigureAwait(false);
                return CommandLine.Ok;
            }

            var table = new TextTable("JOB", "LAST CHECKPOINT", "COMPLETED (UTC)", "STATE", "CHECKPOINTS", "SAVEPOINTS", "LAST FAILURE (UTC)");
            foreach (var j in jobs)
            {
                var latest = j.Latest;
                table.Add(
                    j.Job,
                    (latest is null ? "-" : Id(latest.CheckpointId)) + (j.NewestUnreadable is { } bad ? $" ({Id(bad.Id)} unreadable)" : string.Empty),
                    latest is null ? "-" : TextTable.Time(latest.TimestampMs),
                    latest is null ? "-" : TextTable.Bytes(latest.TotalStateSizeBytes),
                    Id(j.Records.Count(r => r.Record is { IsSavepoint: false })),
                    Id(j.Records.Count(r => r.Record is { IsSavepoint: true })),
                    j.Failures.Count == 0 ? "-" : $"{TextTable.Time(j.Failures[0].TimestampMs)} ({Kind(j.Failures[0].Kind)})");
            }

            await table.WriteAsync(output).ConfigureAwait(false);
            foreach (var j in jobs.Where(j => j.NewestUnreadable is not null))
            {
                await output.WriteLineAsync($"{j.Job}: {j.UnreadableNote()}").ConfigureAwait(false);
            }

            return CommandLine.Ok;
        });
        return command;
    }

    /// <summary><c>actorflow status &lt;job&gt;</c>.</summary>
    public static Command CreateStatus()
    {
        var store = new StateStoreOptions();
        var json = JsonOption();
        var job = CommandLine.JobArgument();
        var command = new Command("status", "Show a job's checkpoints (time, duration, state size), savepoints, the source offsets per partition of its newest complete checkpoint, and its last failures.")
        {
            job,
            json,
        };
        store.AddTo(command);
        CommandLine.SetAction(command, async (parsed, output, stop) =>
        {
            var name = parsed.GetValue(job)!;
            await using var opened = store.Open(parsed);
            var summary = new JobSummary(name, await ReadAsync(opened, name, stop).ConfigureAwait(false), await opened.ListFailuresAsync(name, stop).ConfigureAwait(false));
            if (summary.Records.Count == 0 && summary.Failures.Count == 0)
            {
                throw await UnknownJobAsync(opened, name, stop).ConfigureAwait(false);
            }

            if (parsed.GetValue(json))
            {
                await WriteJsonAsync(output, summary.ToJson(detailed: true)).ConfigureAwait(false);
                return CommandLine.Ok;
            }

            await WriteStatusAsync(summary, output).ConfigureAwait(false);
            return CommandLine.Ok;
        });
        return command;
    }

    /// <summary>The error of a command naming a job the store knows nothing of (exit 1), listing the jobs it has.</summary>
    internal static async Task<CommandFailedException> UnknownJobAsync(ICheckpointStore store, string name, CancellationToken stop)
    {
        var jobs = await store.ListJobsAsync(stop).ConfigureAwait(false);
        return new CommandFailedException(jobs.Count == 0
            ? $"job '{name}' has nothing in this state store; the store has no jobs"
            : $"job '{name}' has nothing in this state store; its jobs: {string.Join(", ", jobs)}");
    }

    // A checkpoint's watermark: a time, or the end of a bounded input (Long.MaxValue), which is no time.
    private static string Watermark(long watermark) => watermark == long.MaxValue ? "end of input" : TextTable.Time(watermark);

    private static Option<bool> JsonOption() => new("--json") { Description = "Write JSON (for scripts) instead of a table." };

    private static async Task WriteStatusAsync(JobSummary s, TextWriter output)
    {
        await output.WriteLineAsync($"job {s.Job}").ConfigureAwait(false);
        await output.WriteLineAsync().ConfigureAwait(false);
        if (s.Records.Count == 0)
        {
            await output.WriteLineAsync("no complete checkpoint").ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync("checkpoints and savepoints, oldest first:").ConfigureAwait(false);
            var table = new TextTable("ID", "COMPLETED (UTC)", "DURATION", "STATE", "KEY GROUPS", "PARTITIONS", "SAVEPOINT");
            foreach (var (id, r, error) in s.Records)
            {
                table.Add(
                    [Id(id), .. r is null
                        ? new[] { "-", "-", "-", "-", "-", "unreadable: " + error }
                        : [TextTable.Time(r.TimestampMs), r.DurationMs is { } ms ? Id(ms) + " ms" : "-", TextTable.Bytes(r.TotalStateSizeBytes), Id(r.KeyGroups.Length), Id(r.Offsets.Length), r.SavepointName ?? "-"]]);
            }

            await table.WriteAsync(output).ConfigureAwait(false);
        }

        if (s.NewestUnreadable is not null)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync(s.UnreadableNote()).ConfigureAwait(false);
        }

        if (s.Latest is { } latest)
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            await output.WriteLineAsync(s.NewestUnreadable is null
                ? $"offsets of checkpoint {Id(latest.CheckpointId)}, the newest complete one (where the job resumes):"
                : $"offsets of checkpoint {Id(latest.CheckpointId)}, the newest readable one (where the job resumes when started with RestoreCheckpointId = {Id(latest.CheckpointId)}):").ConfigureAwait(false);
            var offsets = new TextTable("TOPIC", "PARTITION", "NEXT OFFSET");
            foreach (var o in latest.Offsets.OrderBy(o => o.Topic, StringComparer.Ordinal).ThenBy(o => o.Partition))
            {
                offsets.Add(o.Topic, Id(o.Partition), Id(o.Offset));
            }

            await offsets.WriteAsync(output).ConfigureAwait(false);
            await output.WriteLineAsync(latest.Watermark == long.MinValue
                ? "watermark: none recorded"
                : $"watermark: {Watermark(latest.Watermark)}").ConfigureAwait(false);
        }

        await output.WriteLineAsync().ConfigureAwait(false);
        if (s.Failures.Count == 0)
        {
            await output.WriteLineAsync("failures: none recorded").ConfigureAwait(false);
            return;
        }

        await output.WriteLineAsync("last failures, newest first:").ConfigureAwait(false);
        foreach (var f in s.Failures)
        {
            var where = f.Kind == JobFailureKind.Checkpoint
                ? $"checkpoint {f.CheckpointId?.ToString(CultureInfo.InvariantCulture) ?? "?"} aborted"
                : f.CheckpointId is { } last ? $"job failed (last complete checkpoint {Id(last)})" : "job failed (no complete checkpoint)";
            await output.WriteLineAsync($"{TextTable.Time(f.TimestampMs)}  {where}: {f.Message}").ConfigureAwait(false);
        }
    }

    /// <summary>Every record of the job, oldest first; a damaged one is listed with its reason instead of failing the command.</summary>
    private static async Task<List<(long Id, CheckpointRecord? Record, string? Error)>> ReadAsync(ICheckpointStore store, string job, CancellationToken stop)
    {
        var records = new List<(long, CheckpointRecord?, string?)>();
        foreach (var id in await store.ListIdsAsync(job, stop).ConfigureAwait(false))
        {
            try
            {
                if (await store.GetAsync(job, id, stop).ConfigureAwait(false) is { } record)
                {
                    records.Add((id, record, null));
                }
            }
            catch (CorruptCheckpointException e)
            {
                records.Add((id, null, e.Message));
            }
        }

        return records;
    }

    private static async Task WriteJsonAsync(TextWriter output, JsonNode node) =>
        await output.WriteLineAsync(node.ToJsonString(Indented)).ConfigureAwait(false);

    private static string Id(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Kind(JobFailureKind kind) => kind == JobFailureKind.Job ? "job" : "checkpoint";

    private sealed record JobSummary(string Job, List<(long Id, CheckpointRecord? Record, string? Error)> Records, IReadOnlyList<JobFailure> Failures)
    {
        /// <summary>
        /// The newest readable record: the one the job restores from, by itself when it is the newest record, else only
        /// when started with <c>JobRunnerOptions.RestoreCheckpointId</c> (see <see cref="NewestUnreadable"/>).
        /// </summary>
        public CheckpointRecord? Latest => Records.LastOrDefault(r => r.Record is not null).Record;

        /// <summary>
        /// The newest record when it cannot be read, else <c>null</c>. The runtime restores the newest record only (it
        /// skips no damaged one by itself): the job's start fails naming it and offers the earlier readable checkpoints.
        /// </summary>
        public (long Id, string? Error)? NewestUnreadable => Records.Count > 0 && Records[^1].Record is null ? (Records[^1].Id, Records[^1].Error) : null;

        /// <summary>What the job does with an unreadable newest record, in one line.</summary>
        public string UnreadableNote()
        {
            var bad = NewestUnreadable!.Value;
            return Latest is { } latest
                ? $"the newest checkpoint record, {Id(bad.Id)}, is unreadable: the job's start fails on it; it starts only with JobRunnerOptions.RestoreCheckpointId = {Id(latest.CheckpointId)} (the newest readable checkpoint)"
                : $"the newest checkpoint record, {Id(bad.Id)}, is unreadable and no earlier one is readable: the job's start fails on it";
        }

        public JsonObject ToJson(bool detailed = false)
        {
            var latest = Latest;
            var json = new JsonObject
            {
                ["job"] = Job,
                ["latestCheckpoint"] = latest is null ? null : Checkpoint(latest, withOffsets: detailed),
                ["newestUnreadable"] = NewestUnreadable is { } bad
                    ? new JsonObject { ["id"] = bad.Id, ["error"] = bad.Error, ["restoreCheckpointId"] = latest?.CheckpointId }
                    : null,
                ["checkpoints"] = Records.Count(r => r.Record is { IsSavepoint: false }),
                ["savepoints"] = new JsonArray([.. Records.Where(r => r.Record is { IsSavepoint: true }).Select(r => (JsonNode?)r.Record!.SavepointName)]),
                ["failures"] = new JsonArray([.. Failures.Select(f => (JsonNode?)new JsonObject
                {
                    ["kind"] = Kind(f.Kind),
                    ["time"] = TextTable.Time(f.TimestampMs),
                    ["checkpointId"] = f.CheckpointId,
                    ["message"] = f.Message,
                })]),
            };
            if (detailed)
            {
                json["history"] = new JsonArray([.. Records.Select(r => (JsonNode?)(r.Record is { } record
                    ? Checkpoint(record, withOffsets: false)
                    : new JsonObject { ["id"] = r.Id, ["error"] = r.Error }))]);
            }

            return json;
        }

        private static JsonObject Checkpoint(CheckpointRecord r, bool withOffsets)
        {
            var json = new JsonObject
            {
                ["id"] = r.CheckpointId,
                ["time"] = TextTable.Time(r.TimestampMs),
                ["durationMs"] = r.DurationMs,
                ["stateSizeBytes"] = r.TotalStateSizeBytes,
                ["keyGroups"] = r.KeyGroups.Length,
                ["savepoint"] = r.SavepointName,
                ["watermark"] = r.Watermark == long.MinValue ? null : Watermark(r.Watermark),
            };
            if (withOffsets)
            {
                json["offsets"] = new JsonArray([.. r.Offsets.OrderBy(o => o.Topic, StringComparer.Ordinal).ThenBy(o => o.Partition).Select(o => (JsonNode?)new JsonObject
                {
                    ["topic"] = o.Topic,
                    ["partition"] = o.Partition,
                    ["offset"] = o.Offset,
                })]);
            }

            return json;
        }
    }
}
