using System.Collections.Immutable;
using System.Text.Json;
using ActorFlow.Cli;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Cli.Tests;

/// <summary>`actorflow jobs`: the jobs of a state store with their newest checkpoint, savepoints and last failure.</summary>
public sealed class JobsCommandSpec
{
    private const long T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z

    /// <summary>
    /// Verify that every job with a checkpoint or a recorded failure is listed in name order, with its newest
    /// checkpoint, the counts of checkpoints and savepoints, and its newest failure; and the same as JSON.
    /// </summary>
    [Fact]
    public async Task Jobs_must_list_each_job_with_its_newest_checkpoint()
    {
        using var dir = new TempDirectory("actorflow-cli-jobs");
        var settings = StateStoreSettings.Sqlite(dir.Path);
        settings.PrepareDatabase();
        await using (var store = CheckpointStore.Create(settings))
        {
            await store.SaveAsync(Record("orders", 1, 10));
            await store.SaveAsync(Record("orders", 2, 2048));
            await store.PromoteToSavepointAsync("orders", 1, "v1");
            await store.SaveAsync(Record("clicks", 5, 3));
            await store.RecordFailureAsync(new JobFailure("clicks", JobFailureKind.Job, T0 + 9_000, 5, "IOException: disk"));
            await store.RecordFailureAsync(new JobFailure("never-checkpointed", JobFailureKind.Job, T0 + 1_000, null, "KafkaException: unknown topic"));
        }

        var (code, output, _) = await RunAsync("jobs", "--sqlite", dir.Path);
        Assert.Equal(0, code);
        Assert.Equal(
            """
            JOB                 LAST CHECKPOINT  COMPLETED (UTC)           STATE    CHECKPOINTS  SAVEPOINTS  LAST FAILURE (UTC)
            clicks              5                2026-01-01T00:00:05.000Z  3 B      1            0           2026-01-01T00:00:09.000Z (job)
            never-checkpointed  -                -                         -        0            0           2026-01-01T00:00:01.000Z (job)
            orders              2                2026-01-01T00:00:02.000Z  2.0 KiB  1            1           -

            """,
            output.ReplaceLineEndings("\n"));

        (code, output, _) = await RunAsync("jobs", "--sqlite", dir.Path, "--json");
        Assert.Equal(0, code);
        var jobs = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(["clicks", "never-checkpointed", "orders"], jobs.Select(j => j.GetProperty("job").GetString()));
        Assert.Equal(2, jobs[2].GetProperty("latestCheckpoint").GetProperty("id").GetInt64());
        Assert.Equal(["v1"], jobs[2].GetProperty("savepoints").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(JsonValueKind.Null, jobs[1].GetProperty("latestCheckpoint").ValueKind);
        Assert.Equal("IOException: disk", jobs[0].GetProperty("failures")[0].GetProperty("message").GetString());
    }

    /// <summary>Verify that an empty store says so, and a directory without a store fails with exit code 1 and creates nothing.</summary>
    [Fact]
    public async Task An_empty_or_missing_store_must_be_reported()
    {
        using var dir = new TempDirectory("actorflow-cli-jobs");
        StateStoreSettings.Sqlite(dir.Path).PrepareDatabase();
        var (code, output, _) = await RunAsync("jobs", "--sqlite", dir.Path);
        Assert.Equal(0, code);
        Assert.Equal("no jobs in this state store\n", output.ReplaceLineEndings("\n"));

        var missing = Path.Combine(dir.Path, "missing");
        (code, _, var error) = await RunAsync("jobs", "--sqlite", missing);
        Assert.Equal(1, code);
        Assert.StartsWith("actorflow: no state store at ", error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing));
    }

    private static CheckpointRecord Record(string job, long id, long stateBytes) => new(
        job,
        id,
        T0 + (id * 1000),
        [new TopicPartitionOffset(job, 0, id)],
        ImmutableDictionary<string, string>.Empty,
        [new KeyGroupSnapshotInfo(1, id, stateBytes)]);

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
