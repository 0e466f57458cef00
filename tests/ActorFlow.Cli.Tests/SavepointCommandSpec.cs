using System.Collections.Immutable;
using ActorFlow.Cli;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;

namespace ActorFlow.Cli.Tests;

public sealed class SavepointCommandSpec : IAsyncLifetime
{
    private const string Job = "clicks";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "actorflow-cli-sp-" + Guid.NewGuid().ToString("N"));
    private ICheckpointStore _store = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dir);
        var settings = StateStoreSettings.Sqlite(_dir);
        settings.PrepareDatabase();
        _store = CheckpointStore.Create(settings);
        for (var id = 1; id <= 3; id++)
        {
            await _store.SaveAsync(Checkpoint(id));
        }
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>
    /// Verify that `savepoint create` promotes the newest complete checkpoint, which pruning then keeps, that `list`
    /// shows it, and that a second savepoint of the same name is refused.
    /// </summary>
    [Fact]
    public async Task Create_must_promote_the_newest_checkpoint_to_a_kept_savepoint()
    {
        var (code, output, _) = await RunAsync("savepoint", "create", Job, "before-upgrade", "--sqlite", _dir);
        Assert.Equal(0, code);
        Assert.Contains("savepoint 'before-upgrade' of job 'clicks' = checkpoint 3", output, StringComparison.Ordinal);
        var savepoint = await _store.GetSavepointAsync(Job, "before-upgrade");
        Assert.Equal(3, savepoint?.CheckpointId);
        Assert.True(savepoint!.IsSavepoint);

        await _store.SaveAsync(Checkpoint(4));
        await _store.SaveAsync(Checkpoint(5));
        await _store.PruneAsync(Job, 1);
        Assert.Equal([3L, 5L], await _store.ListIdsAsync(Job));

        (code, output, _) = await RunAsync("savepoint", "list", Job, "--sqlite", _dir);
        Assert.Equal(0, code);
        Assert.Contains("before-upgrade\t3\t", output, StringComparison.Ordinal);
        Assert.Contains("newest complete checkpoint: 5", output, StringComparison.Ordinal);

        (code, _, var error) = await RunAsync("savepoint", "create", Job, "before-upgrade", "--sqlite", _dir);
        Assert.Equal(1, code);
        Assert.Contains("already has a savepoint named 'before-upgrade'", error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that `savepoint delete` removes an older savepoint, keeps the job's newest checkpoint (a savepoint
    /// still being the recovery point only loses its name), and names the existing savepoints for an unknown name.
    /// </summary>
    [Fact]
    public async Task Delete_must_remove_the_savepoint_but_never_the_recovery_point()
    {
        Assert.Equal(0, (await RunAsync("savepoint", "create", Job, "old", "--sqlite", _dir)).Code);
        await _store.SaveAsync(Checkpoint(4));
        Assert.Equal(0, (await RunAsync("savepoint", "create", Job, "newest", "--sqlite", _dir)).Code);

        var (code, _, error) = await RunAsync("savepoint", "delete", Job, "nope", "--sqlite", _dir);
        Assert.Equal(1, code);
        Assert.Contains("no savepoint named 'nope'; its savepoints: 'old', 'newest'", error, StringComparison.Ordinal);

        Assert.Equal(0, (await RunAsync("savepoint", "delete", Job, "old", "--sqlite", _dir)).Code);
        Assert.Null(await _store.GetAsync(Job, 3));

        var (deleted, output, _) = await RunAsync("savepoint", "delete", Job, "newest", "--sqlite", _dir);
        Assert.Equal(0, deleted);
        Assert.Contains("stays the job's recovery point", output, StringComparison.Ordinal);
        Assert.Null(await _store.GetSavepointAsync(Job, "newest"));
        Assert.False((await _store.LoadLatestAsync(Job))!.IsSavepoint);
        Assert.Equal(4, (await _store.LoadLatestAsync(Job))!.CheckpointId);

        (code, output, _) = await RunAsync("savepoint", "list", Job, "--sqlite", _dir);
        Assert.Equal(0, code);
        Assert.Contains("job 'clicks' has no savepoints", output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that `savepoint create` refuses when the newest complete checkpoint is a savepoint already, naming it,
    /// instead of promoting an older checkpoint (it did: with checkpoints 1, 2, 3, `create a` gave 3 and `create b` 2,
    /// a savepoint of older state than asked for), and promotes the next checkpoint the job completes.
    /// </summary>
    [Fact]
    public async Task Create_must_refuse_when_the_newest_checkpoint_is_a_savepoint_already()
    {
        Assert.Equal(0, (await RunAsync("savepoint", "create", Job, "a", "--sqlite", _dir)).Code);

        var (code, output, error) = await RunAsync("savepoint", "create", Job, "b", "--sqlite", _dir);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal(
            "actorflow: job 'clicks': its newest complete checkpoint 3 is already the savepoint 'a'; a running job completes a new checkpoint every checkpoint interval: try again after one",
            error.TrimEnd());
        Assert.Null(await _store.GetSavepointAsync(Job, "b"));
        Assert.False((await _store.GetAsync(Job, 2))!.IsSavepoint);

        await _store.SaveAsync(Checkpoint(4));
        (code, output, _) = await RunAsync("savepoint", "create", Job, "b", "--sqlite", _dir);
        Assert.Equal(0, code);
        Assert.Contains("savepoint 'b' of job 'clicks' = checkpoint 4", output, StringComparison.Ordinal);
    }

    /// <summary>Verify that a job without checkpoints has nothing to promote, and a missing store and an unknown job are reported.</summary>
    [Fact]
    public async Task Create_without_a_checkpoint_or_store_must_fail_clearly()
    {
        var (code, _, error) = await RunAsync("savepoint", "create", "other-job", "x", "--sqlite", _dir);
        Assert.Equal(1, code);
        Assert.Contains("has no complete checkpoint", error, StringComparison.Ordinal);

        (code, _, error) = await RunAsync("savepoint", "list", Job, "--sqlite", Path.Combine(_dir, "missing"));
        Assert.Equal(1, code);
        Assert.Contains("no state store at", error, StringComparison.Ordinal);

        // A job the store knows nothing of is an error, as for status (a typo is not a job without savepoints).
        (code, _, error) = await RunAsync("savepoint", "list", "nojob", "--sqlite", _dir);
        Assert.Equal(1, code);
        Assert.Contains("job 'nojob' has nothing in this state store; its jobs:", error, StringComparison.Ordinal);
    }

    /// <summary>Verify that bad savepoint usage gives exit code 2 and a message saying what is wrong.</summary>
    [Theory]
    [InlineData("savepoint list clicks", "--sqlite DIR or --postgres")]
    [InlineData("savepoint create clicks --sqlite /tmp", "Required argument 'name' missing for command: 'create'")]
    [InlineData("savepoint rename clicks a --sqlite /tmp", "Unrecognized command or argument 'rename'")]
    [InlineData("savepoint list clicks --sqlite /tmp --postgres x", "one of them")]
    public async Task Bad_usage_must_exit_2_with_a_clear_message(string line, string expected)
    {
        var error = new StringWriter();
        Assert.Equal(2, await CommandLine.RunAsync(line.Split(' '), TextWriter.Null, error, CancellationToken.None));
        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    private static CheckpointRecord Checkpoint(long id) => new(
        Job,
        id,
        1_700_000_000_000 + id,
        [new TopicPartitionOffset("clicks", 0, id * 100)],
        ImmutableDictionary<string, string>.Empty,
        [new KeyGroupSnapshotInfo(7, id * 2, 64)]);

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString(), error.ToString());
    }
}
