// The scenario job: a windowed count per user over the "clicks" topic into "counts", checkpointing every
// 500 ms into a SQLite state store. It runs until it is killed; tests/Scenarios kills it with SIGKILL and starts it
// again, and compares the results with a failure-free reference computation.
//   ActorFlow.ScenarioJob <bootstrap-servers> <data-dir>
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Confluent.Kafka;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: ActorFlow.ScenarioJob <bootstrap-servers> <data-dir>");
    return 2;
}

var (servers, data) = (args[0], args[1]);
var system = await ActorFlowCluster.StartNodeAsync("scenario", StateStoreSettings.Sqlite(data));
var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(servers).WithGroupId("scenario");
var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(servers);
var job = StreamJobBuilder.Create("scenario-count")
    // Partitions are assigned by the job, not by the consumer group: a killed member would hold its partitions for
    // a session timeout, and the checkpoint record, not the group, says where each partition starts.
    .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Assignment(Enumerable.Range(0, 4).Select(p => new TopicPartition("clicks", p)).ToArray()), r =>
            (User: Encoding.UTF8.GetString(r.Message.Key), Time: long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture))),
        WatermarkStrategy<(string User, long Time)>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
    .KeyBy(c => c.User)
    .Process("count", () => WindowOperators.For<string, (string User, long Time)>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
        .Aggregate(new Count(), new Label()))
    .To(KafkaConnectors.ExactlyOnceSink<string>(producer, "counts", s => (null, Encoding.UTF8.GetBytes(s))))
    .Build();
var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = TimeSpan.FromMilliseconds(500) });
Console.WriteLine("running");
await running.Completion;
return 0;

/// <summary>Counts a window's records.</summary>
internal sealed class Count : IAggregateFunction<(string User, long Time), long, long>
{
    public long CreateAccumulator() => 0;

    public long Add((string User, long Time) value, long accumulator) => accumulator + 1;

    public long GetResult(long accumulator) => accumulator;

    public long Merge(long a, long b) => a + b;
}

/// <summary>Emits "user|windowStart|count".</summary>
internal sealed class Label : ProcessWindowFunction<string, long, string>
{
    public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ActorFlow.Operators.ICollector<string> output) =>
        output.Collect(string.Create(CultureInfo.InvariantCulture, $"{key}|{context.Window.Start}|{elements[0]}"));
}
