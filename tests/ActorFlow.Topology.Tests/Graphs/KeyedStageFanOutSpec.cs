using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>
/// Issue 15: the output of a keyed operator is a stream like any other: a Select and two sinks read it, and its
/// late-data side output is a stream processed further and sunk.
/// </summary>
public sealed class KeyedStageFanOutSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-fan-out");

    /// <summary>
    /// Verify that a keyed stage's results reach two sinks (one through a Select) each once, and that its late records,
    /// read as a side-output stream and mapped, reach a third.
    /// </summary>
    [Fact]
    public async Task A_keyed_stage_must_feed_a_select_two_sinks_and_a_side_output_stream()
    {
        var topics = new ClickTopics(_kafka, partitions: 1);
        var random = new Random(11);
        var onTime = Enumerable.Range(0, 2000).Select(i => new Click("user-" + (i % 7).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 5) + random.Next(-300, 300))).ToList();
        // Read after event time passed 8 s: at least 3 s behind, late for their windows.
        var late = Enumerable.Range(0, 5).Select(i => new Click("late-" + i.ToString(CultureInfo.InvariantCulture), ClickTopics.Base + 5_000 + i)).ToList();
        topics.Produce(onTime);
        var expected = ClickTopics.CountsPerSecond(onTime).Select(c => c.Key + "|" + c.Value.ToString(CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal).ToList();

        var (plain, upper, lateUsers) = (new ConcurrentQueue<string>(), new ConcurrentQueue<string>(), new ConcurrentQueue<string>());
        var system = await ActorFlowCluster.StartNodeAsync("fan-out", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("fan-out");
            var builder = StreamJobBuilder.Create("fan-out");
            var counts = GraphJobs.Clicks(builder, consumer, "clicks", 1)
                .KeyBy(c => c.User)
                .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new CountAggregate(), new Label()));
            counts.Select(s => s.ToUpperInvariant()).To(new QueueSink<string>(upper));
            counts.To(new QueueSink<string>(plain));
            counts.SideOutput(OutputTags.LateData<Click>()).Select(c => c.User).To(new QueueSink<string>(lateUsers));
            var running = await JobRunner.StartAsync(system, builder.Build());
            // Late once the job's watermark has passed them (records read with the watermark that passes them are not).
            await Poll.UntilAsync(() => running.CurrentWatermark >= ClickTopics.Base + 8_000, TimeSpan.FromSeconds(60));
            topics.Produce(late);
            topics.ProduceEnd();
            try
            {
                await Poll.UntilAsync(() => plain.Count >= expected.Count && upper.Count >= expected.Count && lateUsers.Count >= late.Count, TimeSpan.FromSeconds(60));
            }
            catch (TimeoutException)
            {
                Assert.Fail($"{plain.Count}, {upper.Count} of {expected.Count} results and {lateUsers.Count} of {late.Count} late records arrived");
            }

            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(expected, plain.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(expected.Select(e => e.ToUpperInvariant()).Order(StringComparer.Ordinal).ToList(), upper.Order(StringComparer.Ordinal).ToList());
        Assert.Equal(late.Select(c => c.User).ToList(), lateUsers.Order(StringComparer.Ordinal).ToList());
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }
}
