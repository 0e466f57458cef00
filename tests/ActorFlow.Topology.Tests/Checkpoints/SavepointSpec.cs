using System.Buffers;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>A window accumulator whose type gained a field (<see cref="Max"/>) in version 2 of the application.</summary>
public sealed record Tally(long Count, long Max);

public sealed class SavepointSpec : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private ClickTopics Topics => new(_kafka);

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-savepoint");

    /// <summary>Version 1 of the accumulator's serializer: it knows only the count.</summary>
    public static ITypeSerializer<Tally> TallyV1 { get; } = ActorFlow.Operators.Serialization.Serializers.Versioned(
        1, (w, t) => w.WriteInt64(t.Count), (ref StateReader r, int _) => new Tally(r.ReadInt64(), 0));

    /// <summary>Version 2: the state type gained <see cref="Tally.Max"/>; a version-1 value reads with Max = 0.</summary>
    public static ITypeSerializer<Tally> TallyV2 { get; } = ActorFlow.Operators.Serialization.Serializers.Versioned(
        2,
        (w, t) =>
        {
            w.WriteInt64(t.Count);
            w.WriteInt64(t.Max);
        },
        (ref StateReader r, int version) =>
        {
            var count = r.ReadInt64();
            return new Tally(count, version >= 2 ? r.ReadInt64() : 0);
        });

    /// <summary>
    /// Verify that a savepoint outlives checkpoint pruning (its record and its snapshots), that a job started from it
    /// restores its state and offsets (windows counted once, as in the reference), and that savepoint names are
    /// unique and an unknown name fails listing the job's savepoints.
    /// </summary>
    [Fact]
    public async Task A_job_started_from_a_savepoint_must_match_the_reference_after_later_checkpoints_were_pruned()
    {
        var clicks = Clicks(4000);
        var expected = Reference(clicks);
        Topics.Produce(clicks.Take(2000));
        var first = await ActorFlowCluster.StartNodeAsync("savepoint", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job1 = await JobRunner.StartAsync(first, BuildJob(first, "sp-count", null), new JobRunnerOptions { CheckpointInterval = null, RetainedCheckpoints = 1 });
            await Poll.UntilAsync(() => Topics.Read("counts").Count > 5, TimeSpan.FromSeconds(60));
            var savepoint = await job1.SavepointAsync("before-upgrade").WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(savepoint.IsSavepoint);
            Assert.Equal("before-upgrade", savepoint.SavepointName);
            Assert.NotEmpty(savepoint.KeyGroups);
            var duplicate = await Assert.ThrowsAsync<InvalidOperationException>(() => job1.SavepointAsync("before-upgrade"));
            Assert.Contains("already has a savepoint named 'before-upgrade'", duplicate.Message, StringComparison.Ordinal);

            // Later checkpoints with one retained: the pruner deletes older checkpoints and snapshots, not the savepoint's.
            Topics.Produce(clicks.Skip(2000).Take(1000));
            for (var i = 0; i < 3; i++)
            {
                await job1.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(60));
            }

            // The prune runs after a checkpoint completes: wait for it to leave the savepoint and the latest checkpoint.
            var store = ActorFlowCluster.CheckpointStoreOf(first);
            await Poll.UntilAsync(async () => (await store.ListAsync("sp-count")).Count == 2, TimeSpan.FromSeconds(30));
            var records = await store.ListAsync("sp-count");
            Assert.Contains(records, r => r.IsSavepoint && r.SavepointName == "before-upgrade");
            await job1.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await first.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var second = await ActorFlowCluster.StartNodeAsync("savepoint", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var unknown = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                JobRunner.StartAsync(second, BuildJob(second, "sp-count", null), new JobRunnerOptions { FromSavepoint = "nope" }));
            Assert.Contains("no savepoint named 'nope'; its savepoints: 'before-upgrade'", unknown.Message, StringComparison.Ordinal);

            var job2 = await JobRunner.StartAsync(second, BuildJob(second, "sp-count", null), new JobRunnerOptions { CheckpointInterval = null, FromSavepoint = "before-upgrade" });
            Topics.Produce(clicks.Skip(3000));
            Topics.ProduceEnd();
            await Poll.UntilAsync(() => Topics.Latest("counts").Count >= expected.Count, TimeSpan.FromSeconds(60));
            await job2.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await second.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), Topics.Latest("counts").OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    /// <summary>
    /// Verify that a savepoint written by version 1 of an operator whose state type then gained a field restores
    /// with version 2 (the new field gets its default) and that the job goes on counting correctly.
    /// </summary>
    [Fact]
    public async Task A_savepoint_written_with_an_older_state_schema_must_restore_with_the_new_one()
    {
        var buffer = new ArrayBufferWriter<byte>();
        TallyV1.Write(new StateWriter(buffer), new Tally(41, 99));
        var reader = new StateReader(buffer.WrittenSpan);
        Assert.Equal(new Tally(41, 0), TallyV2.Read(ref reader));
        buffer.Clear();
        TallyV2.Write(new StateWriter(buffer), new Tally(1, 2));
        Assert.Throws<InvalidDataException>(() =>
        {
            var newer = new StateReader(buffer.WrittenSpan);
            return TallyV1.Read(ref newer);
        });

        var clicks = Clicks(3000);
        var expected = Reference(clicks);
        Topics.Produce(clicks.Take(1500));
        var v1 = await ActorFlowCluster.StartNodeAsync("schema", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job1 = await JobRunner.StartAsync(v1, BuildJob(v1, "tally", TallyV1), new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => Topics.Read("counts").Count > 5, TimeSpan.FromSeconds(60));
            await job1.SavepointAsync("v1").WaitAsync(TimeSpan.FromSeconds(60));
            await job1.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await v1.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var v2 = await ActorFlowCluster.StartNodeAsync("schema", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job2 = await JobRunner.StartAsync(v2, BuildJob(v2, "tally", TallyV2), new JobRunnerOptions { CheckpointInterval = null, FromSavepoint = "v1" });
            Topics.Produce(clicks.Skip(1500));
            Topics.ProduceEnd();
            await Poll.UntilAsync(() => Topics.Latest("counts").Count >= expected.Count, TimeSpan.FromSeconds(60));
            await job2.SavepointAsync("v2").WaitAsync(TimeSpan.FromSeconds(60)); // state in the new schema snapshots too
            await job2.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await v2.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), Topics.Latest("counts").OrderBy(e => e.Key, StringComparer.Ordinal));
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private static List<Click> Clicks(int count)
    {
        var random = new Random(11);
        return Enumerable.Range(0, count)
            .Select(i => new Click("user-" + (i % 30).ToString(CultureInfo.InvariantCulture), Base + (i * 5) + random.Next(-300, 300)))
            .ToList();
    }

    private static Dictionary<string, long> Reference(List<Click> clicks) =>
        clicks.GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .ToDictionary(g => $"{g.Key.User}|{g.Key.Start}", g => (long)g.Count());

    /// <summary>The windowed count; with a tally serializer, counted through the versioned <see cref="Tally"/> accumulator.</summary>
    private StreamJob BuildJob(ActorSystem system, string name, ITypeSerializer<Tally>? tally)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId(name);
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
        var keyed = StreamJobBuilder.Create(name)
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Topics("clicks"), r =>
                    new Click(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture))),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User);
        var counted = tally is null
            ? keyed.Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            : keyed.Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .WithSerializers(new SerializerRegistry().Register(tally))
                .Aggregate(new TallyAggregate(), new Label()));
        return counted
            .To(KafkaConnectors.Sink<string>(producer, s => new ProducerRecord<byte[], byte[]>("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(s) })))
            .Build();
    }

    /// <summary>Counts (and tracks the largest millisecond-of-second seen) through a <see cref="Tally"/>.</summary>
    private sealed class TallyAggregate : IAggregateFunction<Click, Tally, long>
    {
        public Tally CreateAccumulator() => new(0, 0);

        public Tally Add(Click value, Tally accumulator) => new(accumulator.Count + 1, Math.Max(accumulator.Max, value.Time % 1000));

        public long GetResult(Tally accumulator) => accumulator.Count;

        public Tally Merge(Tally a, Tally b) => new(a.Count + b.Count, Math.Max(a.Max, b.Max));
    }
}
