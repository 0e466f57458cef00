using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Persistence.Snapshots;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Confluent.Kafka;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;
using CheckpointStore = ActorFlow.Persistence.Checkpoints.CheckpointStore;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// Issue 6: the disk holding a job's SQLite state fills up while checkpoints run, then space comes back. The data
/// directory is a small tmpfs the spec mounts (it needs root or CAP_SYS_ADMIN) and fills with a filler file.
/// </summary>
public sealed class FullDiskSpec : IDisposable
{
    private const string Job = "full-disk-count";
    private const long Base = ClickTopics.Base;

    // 16 MB: room for the state file and its write-ahead log (SQLite checkpoints it at ~4 MB); when the disk fills
    // they take under 1 MB (the filler gets 15.2-15.5 MB), and filling takes a few milliseconds.
    private const string TmpfsSize = "16m";
    private readonly ITestOutputHelper _output;
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"actorflow-full-disk-{Guid.NewGuid():N}");
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private bool _mounted;

    public FullDiskSpec(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// Verify that a full disk loses nothing that a complete checkpoint held: while the state directory is full,
    /// checkpoints fail but the job keeps running and windows keep closing, and the latest complete checkpoint in the
    /// store stays the one taken before the disk filled and stays readable; once space returns checkpoints complete
    /// again and the output of the windows that closed meanwhile is published; the output read read_committed is the
    /// reference exactly (every window once), also after a crash and a restart from the store; and the write-ahead
    /// log can be checkpointed into the database file afterwards.
    /// </summary>
    [Fact]
    public async Task A_full_disk_must_lose_nothing_that_a_complete_checkpoint_held()
    {
        var clock = Stopwatch.StartNew();
        Mount();
        var topics = new ClickTopics(_kafka);
        var random = new Random(29);
        var clicks = Enumerable.Range(0, 6000)
            .Select(i => new Click("user-" + (i % 20).ToString(CultureInfo.InvariantCulture), Base + (i * 2) + random.Next(-300, 300)))
            .ToList();
        var expected = ClickTopics.CountsPerSecond(clicks);
        var state = StateStoreSettings.Sqlite(_data);
        var options = new JobRunnerOptions
        {
            CheckpointInterval = TimeSpan.FromMilliseconds(300),
            AskTimeout = TimeSpan.FromSeconds(2),
            RetainedCheckpoints = 1000, // no pruning: the state file grows with every checkpoint, as a disk fills
        };

        var system = await ActorFlowCluster.StartNodeAsync("full-disk", state);
        try
        {
            var job = await JobRunner.StartAsync(system, BuildJob(system), options);
            topics.Produce(clicks.Take(2000));
            await Poll.UntilAsync(() => job.LastCompletedCheckpoint >= 2 && topics.Read("counts").Count > 0, TimeSpan.FromSeconds(60));

            // The disk fills: the checkpoint in flight may still complete, every one after it must fail.
            var failedBefore = job.FailedCheckpoints;
            var filler = Fill();
            _output.WriteLine($"{clock.ElapsedMilliseconds} ms: disk full ({filler.Length / 1024} KB filler; checkpoint {job.LastCompletedCheckpoint} complete)");
            await Poll.UntilAsync(() => job.FailedCheckpoints > failedBefore, TimeSpan.FromSeconds(30));
            var beforeFull = job.LastCompletedCheckpoint;
            Assert.True(beforeFull >= 2, $"only checkpoint {beforeFull} completed before the disk filled");

            // The job keeps running: new input is read and windows close (their output waits in the write-ahead log
            // of the next complete checkpoint, as the sink is exactly-once), while every checkpoint fails.
            var watermarkBefore = job.CurrentWatermark;
            topics.Produce(clicks.Skip(2000).Take(2000));
            await Poll.UntilAsync(() => job.CurrentWatermark >= Base + 6000 && job.FailedCheckpoints >= failedBefore + 4, TimeSpan.FromSeconds(30));
            Assert.False(job.Completion.IsCompleted, $"the job ended on a full disk: {job.Completion.Exception}");
            Assert.Equal(beforeFull, job.LastCompletedCheckpoint);
            _output.WriteLine($"{clock.ElapsedMilliseconds} ms: watermark {watermarkBefore - Base} -> {job.CurrentWatermark - Base} on a full disk (failed checkpoints {job.FailedCheckpoints}, restarts {job.Restarts})");

            // The latest complete checkpoint in the store is still the one from before, and it is readable: the
            // record, every snapshot it names, and the database file as a whole.
            await using (var store = CheckpointStore.Create(state))
            {
                var latest = await store.LoadLatestAsync(Job);
                Assert.Equal(beforeFull, latest?.CheckpointId);
                Assert.Equal(latest!.KeyGroups.Length, await CountSnapshotsAsync(state, latest.KeyGroups.Select(k => (k.KeyGroup, k.SnapshotSequenceNr))));
                Assert.Equal("ok", await ScalarAsync(state, "PRAGMA quick_check"));
            }

            // Space returns: checkpoints complete again and publish the windows that closed on the full disk.
            File.Delete(filler.Path);
            _output.WriteLine($"{clock.ElapsedMilliseconds} ms: filler deleted");
            await Poll.UntilAsync(() => job.LastCompletedCheckpoint > beforeFull, TimeSpan.FromSeconds(30));
            await using (var store = CheckpointStore.Create(state))
            {
                Assert.True((await store.LoadLatestAsync(Job))!.CheckpointId > beforeFull);
            }

            var closedOnFullDisk = expected.Where(e => long.Parse(e.Key.Split('|')[1], CultureInfo.InvariantCulture) + 1000 <= Base + 6000).ToDictionary();
            try
            {
                await Poll.UntilAsync(() => topics.Read("counts").Count >= closedOnFullDisk.Count, TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                // Not all out after 30 s: the assertions below name the windows missing.
            }

            var published = ReadCommitted().Select(r => r.Value).ToList();
            AssertNoneTwiceAndEachExact(expected, published);
            var missing = closedOnFullDisk.Keys.Except(published.Select(WindowOf)).Order(StringComparer.Ordinal).ToList();
            Assert.True(missing.Count == 0, $"{missing.Count} windows closed on the full disk never came out: {string.Join(", ", missing.Take(10))}");
            _output.WriteLine($"{clock.ElapsedMilliseconds} ms: checkpoint {job.LastCompletedCheckpoint} complete, {published.Count} windows out");

            // A crash (no stop, no drain) with more input on its way.
            topics.Produce(clicks.Skip(4000).Take(1000));
            await Poll.UntilAsync(() => job.CurrentWatermark >= Base + 8000, TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        // A fresh node restores the latest complete checkpoint from the store and finishes the input.
        system = await ActorFlowCluster.StartNodeAsync("full-disk", state);
        try
        {
            var job = await JobRunner.StartAsync(system, BuildJob(system), options with { CheckpointInterval = TimeSpan.FromSeconds(1) });
            topics.Produce(clicks.Skip(5000));
            topics.ProduceEnd();
            await Poll.UntilAsync(() => topics.Read("counts").Count >= expected.Count, TimeSpan.FromSeconds(60));
            await job.StopAsync(TimeSpan.FromSeconds(30));
            Assert.False(job.Completion.IsFaulted);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var output = ReadCommitted().Select(r => r.Value).ToList();
        AssertNoneTwiceAndEachExact(expected, output);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), output.Select(WindowOf).Order(StringComparer.Ordinal));

        // With every connection closed, the write-ahead log checkpoints completely into the database file.
        ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
        Assert.Equal("0", await ScalarAsync(state, "PRAGMA wal_checkpoint(TRUNCATE)"));
        Assert.Equal(0, new FileInfo(state.SqliteFilePath + "-wal").Length);
        _output.WriteLine($"{clock.ElapsedMilliseconds} ms: output exact after the restart, write-ahead log truncated");
    }

    public void Dispose()
    {
        _kafka.Dispose();
        ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
        if (_mounted)
        {
            Run("umount", "-l", _data);
        }

        if (Directory.Exists(_data))
        {
            Directory.Delete(_data, recursive: true);
        }
    }

    private static string WindowOf(string record)
    {
        var p = record.Split('|');
        return p[0] + "|" + p[1];
    }

    /// <summary>No window twice, and every window written with the reference count ("user|start|count" records).</summary>
    private static void AssertNoneTwiceAndEachExact(Dictionary<string, long> expected, List<string> records)
    {
        var repeated = records.GroupBy(WindowOf, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"written more than once: {string.Join(", ", repeated.Take(10))}");
        foreach (var p in records.Select(r => r.Split('|')))
        {
            var window = p[0] + "|" + p[1];
            Assert.True(expected.TryGetValue(window, out var count), $"a window that the input does not have: {window}");
            Assert.Equal((window, count), (window, long.Parse(p[2], CultureInfo.InvariantCulture)));
        }
    }

    private static async Task<int> CountSnapshotsAsync(StateStoreSettings state, IEnumerable<(int KeyGroup, long SequenceNr)> snapshots)
    {
        await using var connection = ActorFlow.Persistence.Sql.SqliteConnections.Create(state.EffectiveConnectionString);
        await connection.OpenAsync();
        var count = 0;
        foreach (var (keyGroup, sequenceNr) in snapshots)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM snapshot WHERE persistence_id = @pid AND sequence_number = @seq AND length(snapshot) > 0";
            command.Parameters.AddWithValue("@pid", PersistenceIds.KeyGroup(Job, keyGroup));
            command.Parameters.AddWithValue("@seq", sequenceNr);
            count += Convert.ToInt32(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
        }

        return count;
    }

    private static async Task<string?> ScalarAsync(StateStoreSettings state, string sql)
    {
        await using var connection = ActorFlow.Persistence.Sql.SqliteConnections.Create(state.EffectiveConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToString(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    private static (int ExitCode, string Error) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, error);
    }

    private void Mount()
    {
        Directory.CreateDirectory(_data);
        var (exitCode, error) = Run("mount", "-t", "tmpfs", "-o", $"size={TmpfsSize}", "tmpfs", _data);
        Assert.True(exitCode == 0, $"FullDiskSpec mounts a tmpfs for the job's state and needs root or CAP_SYS_ADMIN: mount exited with {exitCode}: {error}");
        _mounted = true;
    }

    /// <summary>Writes a filler file into the state directory until the file system has no block left (ENOSPC).</summary>
    private (string Path, long Length) Fill()
    {
        var path = Path.Combine(_data, "filler");
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
        foreach (var chunk in new[] { 1 << 20, 4096 })
        {
            var bytes = new byte[chunk];
            try
            {
                while (true)
                {
                    file.Write(bytes);
                }
            }
            catch (IOException e)
            {
                _output.WriteLine($"filler: {e.Message}");
            }
        }

        Assert.True(new DriveInfo(_data).AvailableFreeSpace < 4096, $"{new DriveInfo(_data).AvailableFreeSpace} bytes still free");
        return (path, file.Length);
    }

    /// <summary>Every record of partition 0 of the output topic, read committed, with the epoch it was published in.</summary>
    private List<(long Epoch, string Value)> ReadCommitted()
    {
        using var consumer = new ConsumerBuilder<Ignore, string>(new ConsumerConfig
        {
            BootstrapServers = _kafka.BootstrapServers,
            GroupId = "reader",
            IsolationLevel = IsolationLevel.ReadCommitted,
        }).Build();
        consumer.Assign(new TopicPartitionOffset("counts", 0, Offset.Beginning));
        var end = consumer.QueryWatermarkOffsets(new TopicPartition("counts", 0), TimeSpan.FromSeconds(10)).High.Value;
        var all = new List<(long, string)>();
        while (all.Count < end && consumer.Consume(TimeSpan.FromSeconds(5)) is { } r)
        {
            Assert.True(r.Message.Headers.TryGetLastBytes("actorflow.epoch", out var epoch), "a record without its epoch header");
            all.Add((long.Parse(Encoding.ASCII.GetString(epoch), CultureInfo.InvariantCulture), r.Message.Value));
        }

        Assert.Equal(end, all.Count);
        return all;
    }

    private StreamJob BuildJob(ActorSystem system) => new ClickTopics(_kafka).ExactlyOnceCountJob(system, Job, "full-disk");
}
