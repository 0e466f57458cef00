using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka;
using Akka.Actor;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// Stop with a savepoint (Flink's stop-with-savepoint): the job's last processed batch is the savepoint's, so a job
/// started from it repeats nothing, also into a plain sink; a final checkpoint that fails leaves the job running.
/// </summary>
public sealed class StopWithSavepointSpec : IDisposable
{
    private const string Job = "stop-with-savepoint";
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(60);
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-stop-savepoint");

    /// <summary>
    /// Verify that a job stopped with a savepoint while input keeps arriving, then started from it, emits every record
    /// once into a plain (not exactly-once) sink, with its keyed state carried over: per user the running counts are
    /// 1..n, each once (a savepoint and then a stop emitted the records read between the two again).
    /// </summary>
    [Fact]
    public async Task A_job_started_from_its_stop_savepoint_must_emit_every_record_once_into_a_plain_sink()
    {
        var topics = new ClickTopics(_kafka);
        var clicks = Clicks(6000);
        var output = new ConcurrentQueue<string>();
        topics.Produce(clicks.Take(2000));
        var system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, BuildJob(system, output), new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(300) });
            await Poll.UntilAsync(() => output.Count >= 1000, Prompt);

            // Input keeps coming while the job stops.
            using var producing = new CancellationTokenSource();
            var producer = Task.Run(async () =>
            {
                foreach (var chunk in clicks.Skip(2000).Take(3000).Chunk(100))
                {
                    topics.Produce(chunk);
                    await Task.Delay(20, CancellationToken.None);
                }
            });
            await Poll.UntilAsync(() => output.Count >= 2500, Prompt);
            var savepoint = await job.StopWithSavepointAsync("handover", Prompt);
            Assert.True(savepoint.IsSavepoint);
            Assert.Equal("handover", savepoint.SavepointName);
            var summary = await job.Completion.WaitAsync(Prompt);
            Assert.False(summary.EndOfInput);
            Assert.Equal(savepoint.CheckpointId, job.LastCompletedCheckpoint);
            var stopped = await Assert.ThrowsAsync<InvalidOperationException>(() => job.StopWithSavepointAsync("again", Prompt));
            Assert.Contains("is completed", stopped.Message, StringComparison.Ordinal);
            await producer.WaitAsync(Prompt);
        }
        finally
        {
            await system.Terminate().WaitAsync(Prompt);
        }

        system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, BuildJob(system, output), new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(300), FromSavepoint = "handover" });
            var taken = await Assert.ThrowsAsync<InvalidOperationException>(() => job.StopWithSavepointAsync("handover", Prompt));
            Assert.Contains("already has a savepoint named 'handover'", taken.Message, StringComparison.Ordinal);
            topics.Produce(clicks.Skip(5000));
            await Poll.UntilAsync(() => output.Count >= clicks.Count, Prompt);
            await job.StopAsync(Prompt);
        }
        finally
        {
            await system.Terminate().WaitAsync(Prompt);
        }

        var expected = clicks.GroupBy(c => c.User).SelectMany(g => Enumerable.Range(1, g.Count()).Select(n => $"{g.Key}|{n}")).Order(StringComparer.Ordinal);
        Assert.Equal(expected, output.Select(o => o[..o.IndexOf('@', StringComparison.Ordinal)]).Order(StringComparer.Ordinal));
        Assert.Equal(clicks.Select(c => $"{c.User}@{c.Time}").Order(StringComparer.Ordinal), output.Select(o => o.Split('|')[0] + "@" + o.Split('@')[1]).Order(StringComparer.Ordinal));
    }

    /// <summary>
    /// Verify that a stop whose final checkpoint cannot be stored fails with <see cref="CheckpointFailedException"/>, and
    /// the job keeps running: it fails over to its last complete checkpoint and reads on (as Flink's job whose
    /// stop-with-savepoint failed), and no savepoint of that name exists.
    /// </summary>
    [Fact]
    public async Task A_stop_whose_savepoint_fails_must_leave_the_job_running()
    {
        var topics = new ClickTopics(_kafka);
        var clicks = Clicks(3000);
        var output = new ConcurrentQueue<string>();
        topics.Produce(clicks.Take(1000));
        var system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var (store, fault) = FaultyCheckpointStore.Wrap(ActorFlowCluster.CheckpointStoreOf(system));
            var job = await JobRunner.StartAsync(system, BuildJob(system, output), new JobRunnerOptions
            {
                CheckpointInterval = TimeSpan.FromMilliseconds(300),
                CheckpointStoreOverride = store,
                RestartStrategy = RestartStrategy.FixedDelay(5, TimeSpan.FromMilliseconds(200)),
            });
            await Poll.UntilAsync(() => job.LastCompletedCheckpoint >= 1 && output.Count >= 1000, Prompt);

            fault.IsDown = true;
            var failed = await Assert.ThrowsAsync<CheckpointFailedException>(() => job.StopWithSavepointAsync("never", Prompt));
            Assert.Contains("unable to open database file", failed.ToString(), StringComparison.Ordinal);
            fault.IsDown = false;

            await Poll.UntilAsync(() => job.Restarts >= 1, Prompt, "a failover after the failed stop");
            topics.Produce(clicks.Skip(1000));
            await Poll.UntilAsync(() => output.Select(o => o.Split('@')[1]).Distinct().Count() == clicks.Select(c => c.Time).Distinct().Count(), Prompt, "every record after the failed stop");
            Assert.False(job.Completion.IsCompleted);
            Assert.Null(await store.GetSavepointAsync(Job, "never"));
            await job.StopAsync(Prompt);
        }
        finally
        {
            await system.Terminate().WaitAsync(Prompt);
        }
    }

    /// <summary>
    /// Verify that a stop that drains fires every window before its savepoint: the counts emitted add up to the records
    /// the savepoint covers (its offsets), where a stop without drain leaves the open windows' records uncounted, and the
    /// job ends as at the end of its input; a second stop while it is under way is refused (it was merged into the first,
    /// its name and drain ignored).
    /// </summary>
    [Fact]
    public async Task A_stop_that_drains_must_fire_every_window_the_savepoint_covers()
    {
        var topics = new ClickTopics(_kafka);
        topics.Produce(Clicks(3000));
        var counts = new ConcurrentQueue<long>();
        var dead = new ConcurrentQueue<DeadLetterRecord>();
        var system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId(Job);
            var job = await JobRunner.StartAsync(system, StreamJobBuilder.Create(Job)
                .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), r =>
                        new Click(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture))),
                    WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
                .KeyBy(c => c.User)
                .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                    .Aggregate(Aggregates.Count<Click>(), (_, _, count) => count))
                .To(new QueueSink<long>(counts))
                .WithDeadLetters(new QueueSink<DeadLetterRecord>(dead))
                .Build(), new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => job.RecordsRead >= 3000, Prompt);
            var stopping = job.StopWithSavepointAsync("drained", Prompt, drain: true);
            var second = await Assert.ThrowsAsync<InvalidOperationException>(() => job.StopWithSavepointAsync("second", Prompt));
            Assert.Contains("is being stopped with savepoint 'drained' already", second.Message, StringComparison.Ordinal);
            var savepoint = await stopping;
            var summary = await job.Completion.WaitAsync(Prompt);
            Assert.True(summary.EndOfInput);
            Assert.Equal(3000, savepoint.Offsets.Sum(o => o.Offset));
            // Every record the savepoint covers is in a fired window, or was late when it was read (a dead letter): a
            // partition whose first records come after another's moved event time past them is late in part (the four
            // partitions' records span 15 s; the watermark is the minimum of the partitions announced so far). A CI run
            // counted 2,744 of the 3,000 in windows when this test did not count late records; why was not recorded.
            Assert.All(dead, d => Assert.Contains("late record", d.Reason, StringComparison.Ordinal));
            Assert.Equal(3000, counts.Sum() + dead.Count);
        }
        finally
        {
            await system.Terminate().WaitAsync(Prompt);
        }
    }

    /// <summary>
    /// Verify that a stop asked for while the job waits out a failover's delay is refused at once, saying the job is
    /// failing over (it waited out the whole timeout and said no batch boundary came), and the job still stops.
    /// </summary>
    [Fact]
    public async Task A_stop_while_the_job_fails_over_must_be_refused_saying_so()
    {
        var system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var builder = StreamJobBuilder.Create("failing-over");
            builder.FromSource("numbers", new FailingSource(), WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner((n, _) => n))
                .To(new QueueSink<long>(new ConcurrentQueue<long>()));
            var job = await JobRunner.StartAsync(system, builder.Build(), new JobRunnerOptions { RestartStrategy = RestartStrategy.FixedDelay(3, TimeSpan.FromMinutes(5)) });
            await Poll.UntilAsync(() => job.Waiting is not null, Prompt, "the failover's delay");

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => job.StopWithSavepointAsync("during-failover", Prompt)).WaitAsync(TimeSpan.FromSeconds(5));
            Assert.Contains("is failing over", refused.Message, StringComparison.Ordinal);
            await job.StopAsync(Prompt);
        }
        finally
        {
            await system.Terminate().WaitAsync(Prompt);
        }
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private static List<Click> Clicks(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new Click("user-" + (i % 30).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 5)))];

    /// <summary>Per click: "user|n@time", n the user's clicks so far (keyed state), into an in-memory plain sink.</summary>
    private StreamJob BuildJob(ActorSystem system, ConcurrentQueue<string> output)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId(Job);
        return StreamJobBuilder.Create(Job)
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), r =>
                    new Click(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture))),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("running", () => KeyedProcessOperators.Create(new ClickRunningCount()))
            .To(new QueueSink<string>(output))
            .Build();
    }

    /// <summary>One partition that fails at once: every run fails.</summary>
    private sealed class FailingSource : ISourceConnector<long>
    {
        public Source<(string Partition, Source<IReadOnlyList<SourceRecord<long>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets)
        {
            var control = new StoppableControl();
            return Source.Single(("numbers/0", Source.Failed<IReadOnlyList<SourceRecord<long>>>(new IOException("the source's system is away"))))
                .Concat(control.UntilStopped<(string, Source<IReadOnlyList<SourceRecord<long>>, NotUsed>)>())
                .MapMaterializedValue(ISourceControl (_) => control);
        }
    }
}
