using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>
/// Issue 15: two topics connected on the same key and run by a co-process function with per-key state and event-time
/// timers set from both inputs (an order waits for its payment, a payment for its order).
/// </summary>
public sealed class CoProcessSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["orders"] = 2, ["payments"] = 2 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-co-process");

    /// <summary>Verify that orders and payments are matched per key, and that either side alone times out by its own timer.</summary>
    [Fact]
    public async Task A_co_process_function_must_match_both_inputs_and_time_out_either_side()
    {
        var random = new Random(41);
        var (orders, payments, expected) = (new List<Event>(), new List<Event>(), new List<string>());
        for (var i = 0; i < 600; i++)
        {
            var key = "o" + i.ToString(CultureInfo.InvariantCulture);
            var time = ClickTopics.Base + (i * 20) + random.Next(-300, 300);
            var shape = random.Next(0, 20);
            if (shape < 17)
            {
                orders.Add(new Event("order", key, i, time));
            }

            if (shape is < 14 or >= 17)
            {
                payments.Add(new Event("payment", key, i, time + random.Next(200, 2000)));
            }

            expected.Add((shape < 14 ? "matched|" : shape < 17 ? "timeout|" : "orphan|") + key);
        }

        var topics = new TwoInputTopics(_kafka);
        topics.Produce("orders", orders.OrderBy(e => e.Time));
        topics.Produce("payments", payments.OrderBy(e => e.Time));
        topics.ProduceEnd("orders", 2);
        topics.ProduceEnd("payments", 2);

        var results = new ConcurrentQueue<string>();
        var system = await ActorFlowCluster.StartNodeAsync("co-process", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("co-process");
            var builder = StreamJobBuilder.Create("co-process");
            topics.Source(builder, consumer, "orders", 2).KeyBy(o => o.Key)
                .Connect(topics.Source(builder, consumer.WithGroupId("co-process-p"), "payments", 2).KeyBy(p => p.Key))
                .Process("match", () => new OrderPayment())
                .Where(r => !r.EndsWith("zz-end", StringComparison.Ordinal))
                .To(new QueueSink<string>(results));
            var running = await JobRunner.StartAsync(system, builder.Build());
            await Poll.UntilAsync(() => results.Count >= expected.Count, TimeSpan.FromSeconds(60));
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), results.Order(StringComparer.Ordinal));
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    /// <summary>Matches an order with its payment; whichever arrives first waits 5 s of event time for the other.</summary>
    private sealed class OrderPayment : KeyedCoProcessFunction<string, Event, Event, string>
    {
        private IValueState<long> _order = null!;
        private IValueState<long> _payment = null!;

        public override void Open(IKeyedStateStore state)
        {
            _order = state.GetState(new ValueStateDescriptor<long>("order"));
            _payment = state.GetState(new ValueStateDescriptor<long>("payment"));
        }

        public override void ProcessElement1(Event value, Context context, ICollector<string> output) => Arrive(_order, _payment, value, context, output);

        public override void ProcessElement2(Event value, Context context, ICollector<string> output) => Arrive(_payment, _order, value, context, output);

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            output.Collect((_order.HasValue ? "timeout|" : "orphan|") + context.CurrentKey);
            _order.Clear();
            _payment.Clear();
        }

        private static void Arrive(IValueState<long> mine, IValueState<long> other, Event value, Context context, ICollector<string> output)
        {
            if (other.HasValue)
            {
                context.TimerService.DeleteEventTimeTimer(other.Value + 5_000);
                other.Clear();
                output.Collect("matched|" + context.CurrentKey);
                return;
            }

            mine.Update(value.Time);
            context.TimerService.RegisterEventTimeTimer(value.Time + 5_000);
        }
    }
}
