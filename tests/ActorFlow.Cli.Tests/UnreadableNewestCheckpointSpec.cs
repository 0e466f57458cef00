using System.Collections.Immutable;
using System.Text.Json;
using ActorFlow.Cli;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Cli.Tests;

/// <summary>
/// `actorflow status` and `actorflow jobs` when the newest checkpoint record cannot be read: they say that the job's
/// start fails on it and that it starts only with <c>JobRunnerOptions.RestoreCheckpointId</c> = the newest readable
/// one, as the runtime does (it restores the newest record only). Before, both showed the newest readable checkpoint
/// as the one "where the job resumes", which the job did not do by itself (found by a documentation review).
/// </summary>
public sealed class UnreadableNewestCheckpointSpec : IAsyncLifetime
{
    private const string Job = "clicks";
    private const long T0 = 1_767_225_600_000; // 2026-01-01T00:00:00Z
    private readonly TempDirectory _dir = new("actorflow-cli-unreadable");

    private const string Note =
        "the newest checkpoint record, 9, is unreadable: the job's start fails on it; it starts only with JobRunnerOptions.RestoreCheckpointId = 8 (the newest readable checkpoint)";

    public async Task InitializeAsync()
    {
        var settings = StateStoreSettings.Sqlite(_dir.Path);
        settings.PrepareDatabase();
        await using (var store = CheckpointStore.Create(settings))
        {
            foreach (var id in new long[] { 7, 8, 9 })
            {
                await store.SaveAsync(Record(Job, id));
            }

            await store.SaveAsync(Record("orders", 1));
        }

        await using var connection = ActorFlow.Persistence.Sql.SqliteConnections.Create(settings.EffectiveConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE actorflow_checkpoints SET record = X'00010203' WHERE job_id = @job AND checkpoint_id = 9";
        command.Parameters.AddWithValue("@job", Job);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    public Task DisposeAsync()
    {
        ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
        _dir.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>Verify that status says the newest record is unreadable and the job starts only with RestoreCheckpointId = 8.</summary>
    [Fact]
    public async Task Status_must_say_the_job_starts_only_with_RestoreCheckpointId()
    {
        var (code, output, _) = await RunAsync("status", Job, "--sqlite", _dir.Path);

        Assert.Equal(0, code);
        var lines = output.ReplaceLineEndings("\n").Split('\n');
        Assert.Contains(lines, l => l.StartsWith("9   -", StringComparison.Ordinal) && l.Contains("unreadable: ", StringComparison.Ordinal));
        Assert.Contains(Note, lines);
        Assert.Contains("offsets of checkpoint 8, the newest readable one (where the job resumes when started with RestoreCheckpointId = 8):", lines);
        Assert.DoesNotContain("where the job resumes):", output, StringComparison.Ordinal);
    }

    /// <summary>Verify that status --json keeps latestCheckpoint (the newest readable) and adds newestUnreadable.</summary>
    [Fact]
    public async Task Status_json_must_name_the_unreadable_record_and_the_checkpoint_to_restore()
    {
        var (code, output, _) = await RunAsync("status", Job, "--sqlite", _dir.Path, "--json");

        Assert.Equal(0, code);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(8, json.GetProperty("latestCheckpoint").GetProperty("id").GetInt64());
        var bad = json.GetProperty("newestUnreadable");
        Assert.Equal(9, bad.GetProperty("id").GetInt64());
        Assert.Equal(8, bad.GetProperty("restoreCheckpointId").GetInt64());
        Assert.False(string.IsNullOrEmpty(bad.GetProperty("error").GetString()));
    }

    /// <summary>Verify that jobs marks the job's last checkpoint and adds the note, in text and JSON; a sound job has none.</summary>
    [Fact]
    public async Task Jobs_must_mark_the_unreadable_newest_record()
    {
        var (code, output, _) = await RunAsync("jobs", "--sqlite", _dir.Path);

        Assert.Equal(0, code);
        var lines = output.ReplaceLineEndings("\n").Split('\n');
        Assert.StartsWith("clicks  8 (9 unreadable)  2026-01-01T00:00:08.000Z", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("orders  1                 2026-01-01T00:00:01.000Z", lines[2], StringComparison.Ordinal);
        Assert.Equal("clicks: " + Note, lines[3]);

        (code, output, _) = await RunAsync("jobs", "--sqlite", _dir.Path, "--json");
        Assert.Equal(0, code);
        var jobs = JsonDocument.Parse(output).RootElement.EnumerateArray().ToList();
        Assert.Equal(8, jobs[0].GetProperty("latestCheckpoint").GetProperty("id").GetInt64());
        Assert.Equal(9, jobs[0].GetProperty("newestUnreadable").GetProperty("id").GetInt64());
        Assert.Equal(8, jobs[0].GetProperty("newestUnreadable").GetProperty("restoreCheckpointId").GetInt64());
        Assert.Equal(JsonValueKind.Null, jobs[1].GetProperty("newestUnreadable").ValueKind);
    }

    private static CheckpointRecord Record(string job, long id) => new(
        job,
        id,
        T0 + (id * 1000),
        [new TopicPartitionOffset(job, 0, id * 100)],
        ImmutableDictionary<string, string>.Empty,
        [new KeyGroupSnapshotInfo(1, id, 8)]);

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
