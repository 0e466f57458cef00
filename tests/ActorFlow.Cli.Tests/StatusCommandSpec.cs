using System.Collections.Immutable;
using System.Text.Json;
using ActorFlow.Cli;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Cli.Tests;

/// <summary>`actorflow status JOB`: a job's checkpoints, savepoints, offsets and failures, read from its state store.</summary>
public sealed class StatusCommandSpec : IAsyncLifetime
{
    private const string Job = "clicks";
    private const long T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    private readonly TempDirectory _dir = new("actorflow-cli-status");
    private ICheckpointStore _store = null!;

    public async Task InitializeAsync()
    {
        var settings = StateStoreSettings.Sqlite(_dir.Path);
        settings.PrepareDatabase();
        _store = CheckpointStore.Create(settings);

        // Checkpoint 1 as an older build wrote it (no duration, no watermark); 2 becomes a savepoint; 3 is the newest.
        await _store.SaveAsync(Record(1, offsets: 100));
        await _store.SaveAsync(Record(2, offsets: 200) with { DurationMs = 42, Watermark = T0 + 1_500 });
        await _store.PromoteToSavepointAsync(Job, 2, "before-upgrade");
        await _store.SaveAsync(Record(3, offsets: 300) with { DurationMs = 7, Watermark = T0 + 2_500 });
        await _store.RecordFailureAsync(new JobFailure(Job, JobFailureKind.Checkpoint, T0 + 4_000, 4, "TimeoutException: key group 3 did not acknowledge"));
        await _store.RecordFailureAsync(new JobFailure(Job, JobFailureKind.Job, T0 + 5_000, 3, "InvalidOperationException: boom"));
        await _store.SaveAsync(Record(1, offsets: 0) with { JobId = "other" });
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _dir.Dispose();
    }

    /// <summary>
    /// Verify that the table lists every record oldest first with its time, duration (a dash for a record without
    /// one), state size and savepoint name, then the offsets per partition and the watermark of the newest checkpoint,
    /// then the last job failure and the last aborted checkpoint, newest first.
    /// </summary>
    [Fact]
    public async Task The_table_must_show_checkpoints_offsets_and_failures()
    {
        var (code, output, error) = await RunAsync("status", Job, "--sqlite", _dir.Path);

        Assert.Equal(0, code);
        Assert.Equal(string.Empty, error);
        Assert.Equal(
            """
            job clicks

            checkpoints and savepoints, oldest first:
            ID  COMPLETED (UTC)           DURATION  STATE  KEY GROUPS  PARTITIONS  SAVEPOINT
            1   2026-01-01T00:00:01.000Z  -         2 B    1           2           -
            2   2026-01-01T00:00:02.000Z  42 ms     4 B    1           2           before-upgrade
            3   2026-01-01T00:00:03.000Z  7 ms      6 B    1           2           -

            offsets of checkpoint 3, the newest complete one (where the job resumes):
            TOPIC   PARTITION  NEXT OFFSET
            clicks  0          300
            clicks  1          301
            watermark: 2026-01-01T00:00:02.500Z

            last failures, newest first:
            2026-01-01T00:00:05.000Z  job failed (last complete checkpoint 3): InvalidOperationException: boom
            2026-01-01T00:00:04.000Z  checkpoint 4 aborted: TimeoutException: key group 3 did not acknowledge

            """,
            output.ReplaceLineEndings("\n"));
    }

    /// <summary>Verify that --json carries the same facts as numbers and ISO times, with the offsets of the newest checkpoint.</summary>
    [Fact]
    public async Task Json_must_carry_the_same_facts()
    {
        var (code, output, _) = await RunAsync("status", Job, "--sqlite", _dir.Path, "--json");

        Assert.Equal(0, code);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(Job, json.GetProperty("job").GetString());
        var latest = json.GetProperty("latestCheckpoint");
        Assert.Equal(3, latest.GetProperty("id").GetInt64());
        Assert.Equal(7, latest.GetProperty("durationMs").GetInt64());
        Assert.Equal(6, latest.GetProperty("stateSizeBytes").GetInt64());
        Assert.Equal(
            [("clicks", 0, 300L), ("clicks", 1, 301L)],
            latest.GetProperty("offsets").EnumerateArray().Select(o => (o.GetProperty("topic").GetString(), o.GetProperty("partition").GetInt32(), o.GetProperty("offset").GetInt64())));
        Assert.Equal(["before-upgrade"], json.GetProperty("savepoints").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal([1L, 2L, 3L], json.GetProperty("history").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("history")[0].GetProperty("durationMs").ValueKind);
        Assert.Equal(["job", "checkpoint"], json.GetProperty("failures").EnumerateArray().Select(f => f.GetProperty("kind").GetString()));
        Assert.Equal("2026-01-01T00:00:05.000Z", json.GetProperty("failures")[0].GetProperty("time").GetString());
    }

    /// <summary>Verify that an unknown job fails with exit code 1 and names the jobs the store has.</summary>
    [Fact]
    public async Task An_unknown_job_must_fail_naming_the_known_ones()
    {
        var (code, _, error) = await RunAsync("status", "nope", "--sqlite", _dir.Path);

        Assert.Equal(1, code);
        Assert.Equal("actorflow: job 'nope' has nothing in this state store; its jobs: clicks, other\n", error.ReplaceLineEndings("\n"));
    }

    /// <summary>Verify that the watermark of a job whose bounded input ended reads as the end of input, not as a number of milliseconds.</summary>
    [Fact]
    public async Task The_end_of_input_watermark_must_read_as_such()
    {
        await _store.SaveAsync(Record(1, offsets: 10) with { JobId = "ended", Watermark = long.MaxValue });

        var (code, output, _) = await RunAsync("status", "ended", "--sqlite", _dir.Path);
        Assert.Equal(0, code);
        Assert.Contains("watermark: end of input\n", output.ReplaceLineEndings("\n"), StringComparison.Ordinal);

        (code, output, _) = await RunAsync("status", "ended", "--sqlite", _dir.Path, "--json");
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output);
        Assert.Equal("end of input", json.RootElement.GetProperty("history")[0].GetProperty("watermark").GetString());
    }

    private static CheckpointRecord Record(long id, long offsets) => new(
        Job,
        id,
        T0 + (id * 1000),
        [new TopicPartitionOffset("clicks", 1, offsets + 1), new TopicPartitionOffset("clicks", 0, offsets)],
        ImmutableDictionary<string, string>.Empty,
        [new KeyGroupSnapshotInfo(7, id, id * 2)]);

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
