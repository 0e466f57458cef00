using System.Collections.Immutable;
using ActorFlow.Persistence.Checkpoints;

namespace ActorFlow.Persistence.Tests.Checkpoints;

/// <summary>
/// The contract every <see cref="ICheckpointStore"/> meets (as System.Threading.Channels' ChannelTestBase).
/// Each test uses its own job id, so implementations may share one database between tests.
/// </summary>
public abstract class CheckpointStoreSpecBase : IAsyncLifetime
{
    private ICheckpointStore? _store;

    /// <summary>A job id unique to this test.</summary>
    protected string JobId { get; } = $"job-{Guid.NewGuid():N}";

    /// <summary>The store under test.</summary>
    protected ICheckpointStore Store => _store ?? throw new InvalidOperationException("Not initialized.");

    public async Task InitializeAsync()
    {
        _store = CreateStore();
        await _store.InitializeAsync();
    }

    public virtual async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }
    }

    /// <summary>Creates a store over the implementation's database (a new instance on each call, same data).</summary>
    protected abstract ICheckpointStore CreateStore();

    /// <summary>Overwrites the stored bytes of a record, bypassing the store.</summary>
    protected abstract Task OverwriteRecordBytesAsync(string jobId, long checkpointId, byte[] bytes);

    protected CheckpointRecord Record(long id, bool savepoint = false, string? name = null, string? job = null) => new(
        job ?? JobId,
        id,
        TimestampMs: 1_700_000_000_000 + id,
        Offsets: [new TopicPartitionOffset("orders", 0, 100 + id), new TopicPartitionOffset("orders", 1, 200 + id)],
        SinkTransactionIds: ImmutableDictionary<string, string>.Empty.Add("alerts", $"txn-{id}"),
        KeyGroups: [new KeyGroupSnapshotInfo(3, 10 + id, 1024), new KeyGroupSnapshotInfo(77, 20 + id, 0)],
        IsSavepoint: savepoint,
        SavepointName: name);

    protected static void AssertSameRecord(CheckpointRecord expected, CheckpointRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.JobId, actual.JobId);
        Assert.Equal(expected.CheckpointId, actual.CheckpointId);
        Assert.Equal(expected.TimestampMs, actual.TimestampMs);
        Assert.Equal(expected.Offsets.ToArray(), actual.Offsets.ToArray());
        Assert.Equal(expected.SinkTransactionIds.OrderBy(p => p.Key), actual.SinkTransactionIds.OrderBy(p => p.Key));
        Assert.Equal(expected.KeyGroups.ToArray(), actual.KeyGroups.ToArray());
        Assert.Equal(expected.IsSavepoint, actual.IsSavepoint);
        Assert.Equal(expected.SavepointName, actual.SavepointName);
        Assert.Equal(expected.StateCheckpointId, actual.StateCheckpointId);
        Assert.Equal(expected.Watermark, actual.Watermark);
    }

    /// <summary>Verify that a job without checkpoints has no latest one.</summary>
    [Fact]
    public async Task LoadLatest_of_unknown_job_is_null()
    {
        Assert.Null(await Store.LoadLatestAsync(JobId));
        Assert.Empty(await Store.ListAsync(JobId));
    }

    /// <summary>Verify that every field of a record survives a save and a get.</summary>
    [Fact]
    public async Task Save_then_Get_round_trips_every_field()
    {
        var record = Record(5, savepoint: true, name: "before-upgrade");
        await Store.SaveAsync(record);
        AssertSameRecord(record, await Store.GetAsync(JobId, 5));
        Assert.Null(await Store.GetAsync(JobId, 6));
    }

    /// <summary>Verify that the watermark and the state checkpoint id round-trip, together and apart.</summary>
    [Fact]
    public async Task Save_then_Get_round_trips_the_watermark()
    {
        var withBoth = Record(7) with { Watermark = 1_700_000_123_456, StateCheckpointId = 3 };
        var watermarkOnly = Record(8) with { Watermark = -42 };
        await Store.SaveAsync(withBoth);
        await Store.SaveAsync(watermarkOnly);
        AssertSameRecord(withBoth, await Store.GetAsync(JobId, 7));
        AssertSameRecord(watermarkOnly, await Store.GetAsync(JobId, 8));
    }

    /// <summary>Verify that empty offsets, sinks and key groups round-trip.</summary>
    [Fact]
    public async Task Save_then_Get_round_trips_an_empty_record()
    {
        var record = new CheckpointRecord(JobId, 1, 0, [], ImmutableDictionary<string, string>.Empty, []);
        await Store.SaveAsync(record);
        AssertSameRecord(record, await Store.GetAsync(JobId, 1));
    }

    /// <summary>Verify that the latest record is the one with the highest id, whatever the save order.</summary>
    [Fact]
    public async Task LoadLatest_returns_highest_checkpoint_id()
    {
        foreach (var id in new long[] { 2, 9, 4 })
        {
            await Store.SaveAsync(Record(id));
        }

        AssertSameRecord(Record(9), await Store.LoadLatestAsync(JobId));
    }

    /// <summary>
    /// Verify that the synchronous read answers as the asynchronous one: null for a job without checkpoints, else the
    /// highest id, also from a new store whose table was never touched by this instance.
    /// </summary>
    [Fact]
    public async Task Synchronous_LoadLatest_returns_highest_checkpoint_id()
    {
        Assert.Null(Store.LoadLatest(JobId));
        foreach (var id in new long[] { 2, 9, 4 })
        {
            await Store.SaveAsync(Record(id));
        }

        AssertSameRecord(Record(9), Store.LoadLatest(JobId));
        await using var other = CreateStore();
        AssertSameRecord(Record(9), other.LoadLatest(JobId));
        Assert.Null(other.LoadLatest(JobId + "-other"));
    }

    /// <summary>Verify that list returns every record of the job, oldest first, and no other job's.</summary>
    [Fact]
    public async Task List_is_ordered_and_per_job()
    {
        await Store.SaveAsync(Record(3));
        await Store.SaveAsync(Record(1));
        await Store.SaveAsync(Record(2, job: JobId + "-other"));
        var list = await Store.ListAsync(JobId);
        Assert.Equal([1L, 3L], list.Select(r => r.CheckpointId));
        Assert.Equal([2L], (await Store.ListAsync(JobId + "-other")).Select(r => r.CheckpointId));
    }

    /// <summary>Verify that saving an existing id replaces the record.</summary>
    [Fact]
    public async Task Save_same_id_replaces()
    {
        await Store.SaveAsync(Record(1));
        var replaced = Record(1) with { TimestampMs = 42 };
        await Store.SaveAsync(replaced);
        AssertSameRecord(replaced, await Store.GetAsync(JobId, 1));
        Assert.Single(await Store.ListAsync(JobId));
    }

    /// <summary>Verify that savepoints are found by name and names are unique per job only.</summary>
    [Fact]
    public async Task Savepoint_names_are_unique_per_job()
    {
        await Store.SaveAsync(Record(4, savepoint: true, name: "v1"));
        AssertSameRecord(Record(4, savepoint: true, name: "v1"), await Store.GetSavepointAsync(JobId, "v1"));
        Assert.Null(await Store.GetSavepointAsync(JobId, "v2"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Store.SaveAsync(Record(5, savepoint: true, name: "v1")));
        Assert.Null(await Store.GetAsync(JobId, 5));
        await Store.SaveAsync(Record(5, savepoint: true, name: "v1", job: JobId + "-other"));
    }

    /// <summary>Verify that a savepoint name on a non-savepoint record is rejected.</summary>
    [Fact]
    public async Task Savepoint_name_requires_savepoint_flag() =>
        await Assert.ThrowsAsync<ArgumentException>(() => Store.SaveAsync(Record(1, savepoint: false, name: "x")));

    /// <summary>Verify that delete removes one record and reports whether it existed.</summary>
    [Fact]
    public async Task Delete_removes_one_record()
    {
        await Store.SaveAsync(Record(1));
        await Store.SaveAsync(Record(2));
        Assert.True(await Store.DeleteAsync(JobId, 1));
        Assert.False(await Store.DeleteAsync(JobId, 1));
        Assert.Equal([2L], (await Store.ListAsync(JobId)).Select(r => r.CheckpointId));
    }

    /// <summary>Verify that prune keeps the newest N checkpoints and every savepoint.</summary>
    [Fact]
    public async Task Prune_keeps_last_n_checkpoints_and_all_savepoints()
    {
        for (var id = 1; id <= 6; id++)
        {
            await Store.SaveAsync(id is 2 or 5 ? Record(id, savepoint: true, name: $"sp{id}") : Record(id));
        }

        var deleted = await Store.PruneAsync(JobId, 2);
        Assert.Equal([1L, 3L], deleted);
        Assert.Equal([2L, 4L, 5L, 6L], (await Store.ListAsync(JobId)).Select(r => r.CheckpointId));
        Assert.Empty(await Store.PruneAsync(JobId, 2));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.PruneAsync(JobId, 0));
    }

    /// <summary>Verify that a damaged record fails with an error naming the checkpoint, and others still load.</summary>
    [Fact]
    public async Task Corrupt_record_throws_naming_the_checkpoint()
    {
        await Store.SaveAsync(Record(6));
        await Store.SaveAsync(Record(7));
        var bytes = (byte[])typeof(CheckpointRecordFormat).GetMethod("Write")!.Invoke(null, [Record(7)])!;
        bytes[20] ^= 0xff;
        await OverwriteRecordBytesAsync(JobId, 7, bytes);
        var e = await Assert.ThrowsAsync<CorruptCheckpointException>(() => Store.GetAsync(JobId, 7));
        Assert.Equal(7, e.CheckpointId);
        Assert.Contains("Checkpoint 7", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<CorruptCheckpointException>(() => Store.LoadLatestAsync(JobId));
        Assert.Equal([6L, 7L], await Store.ListIdsAsync(JobId));
        AssertSameRecord(Record(6), await Store.GetAsync(JobId, 6));
    }

    /// <summary>Verify that garbage bytes (not a record at all) are reported as corrupt too.</summary>
    [Fact]
    public async Task Garbage_record_throws_naming_the_checkpoint()
    {
        await Store.SaveAsync(Record(3));
        await OverwriteRecordBytesAsync(JobId, 3, [1, 2, 3]);
        var e = await Assert.ThrowsAsync<CorruptCheckpointException>(() => Store.GetAsync(JobId, 3));
        Assert.Equal(3, e.CheckpointId);
    }

    /// <summary>Verify that concurrent saves are all stored.</summary>
    [Fact]
    public async Task Concurrent_saves_are_all_stored()
    {
        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Store.SaveAsync(Record(i))));
        Assert.Equal(20, (await Store.ListAsync(JobId)).Count);
    }

    /// <summary>Verify that records are durable: a new store over the same database sees them.</summary>
    [Fact]
    public async Task Records_survive_a_new_store_instance()
    {
        await Store.SaveAsync(Record(11));
        await using var other = CreateStore();
        AssertSameRecord(Record(11), await other.LoadLatestAsync(JobId));
    }

    /// <summary>Verify that a checkpoint's duration round-trips and a record without one reads back without one.</summary>
    [Fact]
    public async Task Save_then_Get_round_trips_the_duration()
    {
        await Store.SaveAsync(Record(1) with { DurationMs = 1234, Watermark = 5 });
        await Store.SaveAsync(Record(2));
        Assert.Equal(1234, (await Store.GetAsync(JobId, 1))!.DurationMs);
        Assert.Null((await Store.GetAsync(JobId, 2))!.DurationMs);
    }

    /// <summary>
    /// Verify that the store keeps the newest failure of each kind per job (a later one replaces it), lists them
    /// newest first, cuts a long message, and lists a job with only a failure among its jobs.
    /// </summary>
    [Fact]
    public async Task Failures_keep_the_newest_of_each_kind()
    {
        var other = JobId + "-other";
        await Store.RecordFailureAsync(new JobFailure(JobId, JobFailureKind.Job, 1_000, null, "first"));
        await Store.RecordFailureAsync(new JobFailure(JobId, JobFailureKind.Checkpoint, 2_000, 4, "aborted"));
        await Store.RecordFailureAsync(new JobFailure(JobId, JobFailureKind.Job, 3_000, 3, new string('x', 5000)));
        await Store.RecordFailureAsync(new JobFailure(other, JobFailureKind.Job, 500, null, "elsewhere"));

        Assert.Equal(
            [new JobFailure(JobId, JobFailureKind.Job, 3_000, 3, new string('x', JobFailure.MaxMessageLength)), new JobFailure(JobId, JobFailureKind.Checkpoint, 2_000, 4, "aborted")],
            await Store.ListFailuresAsync(JobId));
        Assert.Empty(await Store.ListFailuresAsync(JobId + "-none"));
        await Store.SaveAsync(Record(1));
        var jobs = await Store.ListJobsAsync();
        Assert.Contains(JobId, jobs);
        Assert.Contains(other, jobs);
        Assert.Equal(jobs.Order(StringComparer.Ordinal), jobs);
        Assert.Single(jobs, j => j == JobId);
    }
}
