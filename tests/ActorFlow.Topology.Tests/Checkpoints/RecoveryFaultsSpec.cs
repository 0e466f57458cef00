using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Persistence.Snapshots;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>Faults during recovery and checkpoints: damaged snapshots and records, and a checkpoint store that goes away.</summary>
public sealed class RecoveryFaultsSpec : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private const string Job = "faulty-count";
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private ClickTopics Topics => new(_kafka);

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-recovery-faults");
    private readonly List<Click> _clicks;
    private readonly Dictionary<string, long> _expected;

    public RecoveryFaultsSpec()
    {
        var random = new Random(11);
        _clicks = [.. Enumerable.Range(0, 3000)
            .Select(i => new Click("user-" + (i % 30).ToString(CultureInfo.InvariantCulture), Base + (i * 5) + random.Next(-300, 300)))];
        _expected = _clicks
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .ToDictionary(g => $"{g.Key.User}|{g.Key.Start}", g => (long)g.Count());
    }

    /// <summary>
    /// Verify that a corrupt snapshot of the latest checkpoint fails the start at once with an error naming the
    /// checkpoint and key group and offering the previous checkpoint, and that starting from that one restores
    /// exactly-once state (every count equals the reference).
    /// </summary>
    [Fact]
    public async Task A_corrupt_snapshot_must_fail_recovery_naming_checkpoint_and_key_group_and_the_previous_checkpoint_must_restore()
    {
        var (previous, latest) = await TwoCheckpointsThenCrashAsync();
        var keyGroup = latest.KeyGroups[^1];
        Assert.Equal(1, await ExecuteAsync(
            "UPDATE snapshot SET snapshot = @bytes WHERE persistence_id = @pid AND sequence_number = @seq",
            keyGroup,
            Corrupt(await ReadSnapshotAsync(keyGroup))));

        var error = await FailedStartAsync();
        Assert.Equal(latest.CheckpointId, error.CheckpointId);
        Assert.Equal(keyGroup.KeyGroup, error.KeyGroup);
        Assert.Equal(previous.CheckpointId, error.EarlierCheckpointIds[0]);
        Assert.Contains($"key group {keyGroup.KeyGroup} of checkpoint {latest.CheckpointId}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"RestoreCheckpointId = {previous.CheckpointId}", error.Message, StringComparison.Ordinal);

        await RunToEndAsync(new JobRunnerOptions { CheckpointInterval = null, RestoreCheckpointId = error.EarlierCheckpointIds[0] });
        Assert.Equal(_expected.OrderBy(e => e.Key, StringComparer.Ordinal), Topics.Latest("counts").OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    /// <summary>
    /// Verify that checkpoints taken after restoring an older checkpoint get ids above every stored one, so they never
    /// overwrite a snapshot that a stored record names (snapshots are stored at a sequence number derived from the
    /// checkpoint id), and that a crash afterwards restores the new checkpoint with exactly-once state.
    /// </summary>
    [Fact]
    public async Task Checkpoints_after_restoring_an_older_checkpoint_must_take_ids_above_every_stored_one()
    {
        var (previous, latest) = await TwoCheckpointsThenCrashAsync();
        var keyGroup = latest.KeyGroups[^1];
        var corrupt = Corrupt(await ReadSnapshotAsync(keyGroup));
        Assert.Equal(1, await ExecuteAsync(
            "UPDATE snapshot SET snapshot = @bytes WHERE persistence_id = @pid AND sequence_number = @seq", keyGroup, corrupt));

        CheckpointRecord next;
        var system = await ActorFlowCluster.StartNodeAsync("faults", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, BuildJob(system), new JobRunnerOptions { CheckpointInterval = null, RestoreCheckpointId = previous.CheckpointId });
            next = await job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30)); // a crash
        }

        Assert.True(next.CheckpointId > latest.CheckpointId, $"checkpoint {next.CheckpointId} after restoring {previous.CheckpointId} with {latest.CheckpointId} stored");
        Assert.Equal(corrupt, await ReadSnapshotAsync(keyGroup)); // the snapshot that record names is untouched

        await RunToEndAsync(new JobRunnerOptions { CheckpointInterval = null }); // restores the latest: the new checkpoint
        Assert.Equal(_expected.OrderBy(e => e.Key, StringComparer.Ordinal), Topics.Latest("counts").OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    /// <summary>
    /// Verify that key groups delete old snapshots every <see cref="JobRunnerOptions.RetainedCheckpoints"/>
    /// checkpoints (not after each one), and then only those no retained checkpoint names.
    /// </summary>
    [Fact]
    public async Task Snapshots_must_be_pruned_every_retained_checkpoints_checkpoints()
    {
        Topics.Produce(_clicks.Take(1000));
        var system = await ActorFlowCluster.StartNodeAsync("faults", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, BuildJob(system), new JobRunnerOptions { CheckpointInterval = null, RetainedCheckpoints = 3 });
            await Poll.UntilAsync(() => Topics.Read("counts").Count > 5, TimeSpan.FromSeconds(60));
            var checkpoints = new List<CheckpointRecord>();
            for (var i = 0; i < 5; i++)
            {
                checkpoints.Add(await job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            }

            // Pruned after the 3rd (nothing to delete: the first three are retained), not after the 4th or 5th.
            Assert.Equal(checkpoints[0].KeyGroups.Length, await CountSnapshotsAsync(checkpoints[0]));
            checkpoints.Add(await job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(60)));

            // Pruned after the 6th: the snapshots of the first three go, the retained three stay.
            await Poll.UntilAsync(() => checkpoints.Take(3).Sum(c => CountSnapshotsAsync(c).GetAwaiter().GetResult()) == 0, TimeSpan.FromSeconds(30));
            foreach (var kept in checkpoints.Skip(3))
            {
                Assert.Equal(kept.KeyGroups.Length, await CountSnapshotsAsync(kept));
            }

            await job.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Verify that a deleted snapshot fails recovery the same way (with an error naming the checkpoint and key group).</summary>
    [Fact]
    public async Task A_deleted_snapshot_must_fail_recovery_naming_checkpoint_and_key_group()
    {
        var (previous, latest) = await TwoCheckpointsThenCrashAsync();
        var keyGroup = latest.KeyGroups[0];
        Assert.Equal(1, await ExecuteAsync("DELETE FROM snapshot WHERE persistence_id = @pid AND sequence_number = @seq", keyGroup));

        var error = await FailedStartAsync();
        Assert.Equal(latest.CheckpointId, error.CheckpointId);
        Assert.Equal(keyGroup.KeyGroup, error.KeyGroup);
        Assert.Equal([previous.CheckpointId], error.EarlierCheckpointIds);
        Assert.IsType<SnapshotRestoreException>(error.InnerException);
    }

    /// <summary>Verify that a corrupt checkpoint record fails recovery naming the checkpoint (no key group) and offers the previous one.</summary>
    [Fact]
    public async Task A_corrupt_checkpoint_record_must_fail_recovery_and_offer_the_previous_checkpoint()
    {
        var (previous, latest) = await TwoCheckpointsThenCrashAsync();
        await StoredCheckpoints.CorruptRecordAsync(_data.Path, Job, latest.CheckpointId);

        var error = await FailedStartAsync();
        Assert.Equal(latest.CheckpointId, error.CheckpointId);
        Assert.Null(error.KeyGroup);
        Assert.Equal([previous.CheckpointId], error.EarlierCheckpointIds);
        Assert.IsType<CorruptCheckpointException>(error.InnerException);
    }

    /// <summary>
    /// Verify that the database going away during checkpoints fails those checkpoints, not the job: records keep
    /// flowing, failed checkpoints are counted (and the newest recorded in the store), the last complete checkpoint
    /// stays the recovery point, a later checkpoint succeeds once the store is back, and state stays exactly once.
    /// </summary>
    [Fact]
    public async Task A_checkpoint_store_that_goes_away_must_fail_checkpoints_not_the_job()
    {
        Topics.Produce(_clicks.Take(1000));
        var system = await ActorFlowCluster.StartNodeAsync("faults", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var real = ActorFlowCluster.CheckpointStoreOf(system);
            var (store, fault) = FaultyCheckpointStore.Wrap(real);
            var job = await JobRunner.StartAsync(system, BuildJob(system), new JobRunnerOptions
            {
                CheckpointInterval = TimeSpan.FromSeconds(1),
                CheckpointStoreOverride = store,
            });
            await Poll.UntilAsync(() => job.LastCompletedCheckpoint >= 1, TimeSpan.FromSeconds(60));

            fault.IsDown = true;
            await Poll.UntilAsync(() => job.FailedCheckpoints >= 1, TimeSpan.FromSeconds(60));
            var recoveryPoint = job.LastCompletedCheckpoint;
            var before = Topics.Read("counts").Count;
            Topics.Produce(_clicks.Skip(1000).Take(1000));
            await Poll.UntilAsync(() => Topics.Read("counts").Count > before, TimeSpan.FromSeconds(60)); // the job keeps processing
            await Poll.UntilAsync(() => job.FailedCheckpoints >= 3, TimeSpan.FromSeconds(60));
            Assert.False(job.Completion.IsCompleted);
            Assert.Equal(recoveryPoint, job.LastCompletedCheckpoint);
            Assert.Equal(recoveryPoint, (await real.LoadLatestAsync(Job))!.CheckpointId);
            Assert.True(fault.FailedWrites >= 3);

            // What `actorflow status` shows: the newest aborted checkpoint with the store's error (recorded in the background).
            await ClickTopics.AwaitAsync(() => real.ListFailuresAsync(Job).GetAwaiter().GetResult().Any(f => f.Kind == JobFailureKind.Checkpoint), TimeSpan.FromSeconds(30));
            var aborted = Assert.Single(await real.ListFailuresAsync(Job));
            Assert.True(aborted.CheckpointId > recoveryPoint);
            Assert.Equal("SqliteException: SQLite Error 14: 'unable to open database file'.", aborted.Message);

            fault.IsDown = false;
            await Poll.UntilAsync(() => job.LastCompletedCheckpoint > recoveryPoint, TimeSpan.FromSeconds(60));
            Assert.True((await real.LoadLatestAsync(Job))!.CheckpointId > recoveryPoint);

            Topics.Produce(_clicks.Skip(2000));
            Topics.ProduceEnd();
            await Poll.UntilAsync(() => Topics.Latest("counts").Count >= _expected.Count, TimeSpan.FromSeconds(90));
            await job.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(_expected.OrderBy(e => e.Key, StringComparer.Ordinal), Topics.Latest("counts").OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private static byte[] Corrupt(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        copy[copy.Length / 2] ^= 0xFF;
        return copy;
    }

    /// <summary>Runs the job over the first 2000 clicks with two checkpoints, then kills the node (no stop, no drain).</summary>
    private async Task<(CheckpointRecord Previous, CheckpointRecord Latest)> TwoCheckpointsThenCrashAsync()
    {
        Topics.Produce(_clicks.Take(1000));
        var system = await ActorFlowCluster.StartNodeAsync("faults", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, BuildJob(system), new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => Topics.Read("counts").Count > 5, TimeSpan.FromSeconds(60));
            var previous = await job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var count = Topics.Read("counts").Count;
            Topics.Produce(_clicks.Skip(1000).Take(1000));
            await Poll.UntilAsync(() => Topics.Read("counts").Count > count, TimeSpan.FromSeconds(60));
            var latest = await job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(latest.KeyGroups.Length > 0);
            return (previous, latest);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private async Task<RecoveryFailedException> FailedStartAsync()
    {
        var system = await ActorFlowCluster.StartNodeAsync("faults", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<RecoveryFailedException>(() => JobRunner.StartAsync(system, BuildJob(system), new JobRunnerOptions { CheckpointInterval = null }));
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"detected after {started.Elapsed}");
            Assert.Equal(Job, error.JobName);
            return error;
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private async Task RunToEndAsync(JobRunnerOptions options)
    {
        var system = await ActorFlowCluster.StartNodeAsync("faults", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, BuildJob(system), options);
            Topics.Produce(_clicks.Skip(2000));
            Topics.ProduceEnd();
            await Poll.UntilAsync(() => Topics.Latest("counts").Count >= _expected.Count, TimeSpan.FromSeconds(90));
            await job.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private async Task<byte[]> ReadSnapshotAsync(KeyGroupSnapshotInfo keyGroup)
    {
        await using var connection = ActorFlow.Persistence.Sql.SqliteConnections.Create(StateStoreSettings.Sqlite(_data.Path).EffectiveConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT snapshot FROM snapshot WHERE persistence_id = @pid AND sequence_number = @seq";
        command.Parameters.AddWithValue("@pid", PersistenceIds.KeyGroup(Job, keyGroup.KeyGroup));
        command.Parameters.AddWithValue("@seq", keyGroup.SnapshotSequenceNr);
        return (byte[])(await command.ExecuteScalarAsync())!;
    }

    private async Task<int> CountSnapshotsAsync(CheckpointRecord checkpoint)
    {
        var count = 0;
        foreach (var keyGroup in checkpoint.KeyGroups)
        {
            await using var connection = ActorFlow.Persistence.Sql.SqliteConnections.Create(StateStoreSettings.Sqlite(_data.Path).EffectiveConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM snapshot WHERE persistence_id = @pid AND sequence_number = @seq";
            command.Parameters.AddWithValue("@pid", PersistenceIds.KeyGroup(Job, keyGroup.KeyGroup));
            command.Parameters.AddWithValue("@seq", keyGroup.SnapshotSequenceNr);
            count += Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        return count;
    }

    private async Task<int> ExecuteAsync(string sql, KeyGroupSnapshotInfo keyGroup, byte[]? bytes = null)
    {
        await using var connection = ActorFlow.Persistence.Sql.SqliteConnections.Create(StateStoreSettings.Sqlite(_data.Path).EffectiveConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.AddWithValue("@pid", PersistenceIds.KeyGroup(Job, keyGroup.KeyGroup));
        command.Parameters.AddWithValue("@seq", keyGroup.SnapshotSequenceNr);
        if (bytes is not null)
        {
            command.Parameters.AddWithValue("@bytes", bytes);
        }

        return await command.ExecuteNonQueryAsync();
    }

    private StreamJob BuildJob(ActorSystem system)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("faults");
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        return StreamJobBuilder.Create(Job)
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), r =>
                    new Click(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture))),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            .To(KafkaConnectors.Sink<string>(producer, s => new ProducerRecord<byte[], byte[]>("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })))
            .Build();
    }

}
