using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>
/// The job's serializers (<see cref="StreamJobBuilder.WithSerializers"/>) serve its operators: an operator given no
/// registry of its own keeps state of the job's types, and one whose state type neither has fails the build, naming
/// the operator and the type (a review found such a job built, then hung: every key group failed to start).
/// </summary>
public sealed class JobSerializersSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["left"] = 2, ["right"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-job-serializers");

    /// <summary>
    /// Verify that a window reducing records of a user type, built without a registry of its own, keeps them with the
    /// job's serializer: its key groups snapshot them at a checkpoint and every window's maximum comes out as LINQ's.
    /// </summary>
    [Fact]
    public async Task An_operator_without_serializers_of_its_own_must_keep_its_state_with_the_jobs()
    {
        var random = new Random(5);
        var events = Enumerable.Range(0, 400)
            .Select(i => new Event("l", "k" + random.Next(0, 6).ToString(CultureInfo.InvariantCulture), random.Next(0, 1000), ClickTopics.Base + (i * 10) + random.Next(-200, 200)))
            .ToList();
        var expected = events
            .GroupBy(e => (e.Key, Start: e.Time - (((e.Time % 1000) + 1000) % 1000)))
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"{g.Key.Key}|{g.Key.Start}|{g.Max(e => e.Number)}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var topics = new TwoInputTopics(_kafka);
        topics.Produce("left", events.Take(200));

        var output = new ConcurrentQueue<string>();
        var system = await ActorFlowCluster.StartNodeAsync("job-serializers", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("job-serializers");
            var builder = StreamJobBuilder.Create("job-serializers").WithSerializers(EventSerializer.Registry());
            topics.Source(builder, consumer, "left", 2)
                .KeyBy(e => e.Key)
                .Process("max", () => WindowOperators.For<string, Event>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                    .Reduce((a, b) => a.Number >= b.Number ? a : b))
                .Where(e => e.Key != "zz-end")
                .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Key}|{e.Time - (((e.Time % 1000) + 1000) % 1000)}|{e.Number}"))
                .To(new QueueSink<string>(output));
            var running = await JobRunner.StartAsync(system, builder.Build(), new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => !output.IsEmpty, TimeSpan.FromSeconds(60));

            var checkpoint = await running.CheckpointAsync(); // snapshots the buffered maxima: Events, in the job's serializer
            Assert.True(checkpoint.KeyGroups.Sum(k => k.StateSizeBytes) > 0);

            topics.Produce("left", events.Skip(200));
            topics.ProduceEnd("left", 2);
            await Poll.UntilAsync(() => output.Count >= expected.Count, TimeSpan.FromSeconds(60));
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(expected, output.Order(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Verify that a keyed process function whose value state holds a type no registry knows fails the build, naming
    /// the operator and the type, and that the same job builds once the job's registry has it.
    /// </summary>
    [Fact]
    public void A_keyed_operator_whose_state_type_has_no_serializer_must_fail_the_build()
    {
        var e = Assert.Throws<InvalidOperationException>(() => Job(null).Build());
        Assert.Contains("operator 'last' cannot be built", e.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Event).FullName!, e.Message, StringComparison.Ordinal);

        Assert.NotNull(Job(EventSerializer.Registry()).Build());
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private StreamJobBuilder Job(ActorFlow.Operators.Serialization.SerializerRegistry? serializers)
    {
        var builder = StreamJobBuilder.Create("no-state-serializer");
        builder = serializers is null ? builder : builder.WithSerializers(serializers);
        var consumer = ConsumerSettings<byte[], byte[]>.Create(Akka.Configuration.Config.Empty, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("x");
        new TwoInputTopics(_kafka).Source(builder, consumer, "left", 2)
            .KeyBy(e => e.Key)
            .Process("last", () => KeyedProcessOperators.Create(new LastEvent()))
            .To(new QueueSink<string>(new ConcurrentQueue<string>()));
        return builder;
    }

    /// <summary>Emits the key's previous event's number with each event (its state: the last event).</summary>
    private sealed class LastEvent : KeyedProcessFunction<string, Event, string>
    {
        private IValueState<Event> _last = null!;

        public override void Open(IKeyedStateStore state) => _last = state.GetState(new ValueStateDescriptor<Event>("last"));

        public override void ProcessElement(Event value, Context context, ICollector<string> output)
        {
            output.Collect(string.Create(CultureInfo.InvariantCulture, $"{value.Key}|{_last.Value?.Number}"));
            _last.Update(value);
        }
    }
}
