using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Confluent.Kafka;

namespace ActorFlow.Docs.Tests.Runtime;

/// <summary>
/// docs/runtime.md, "A job in code": compiled, not run (it needs a Kafka and writes to ./data);
/// tests/ActorFlow.Topology.Tests/EndToEnd/WindowedCountSpec.cs runs such a job end to end.
/// </summary>
public static class JobInCodeSnippet
{
    /// <summary>The example, with what it uses from elsewhere as parameters.</summary>
    /// <param name="producerSettings">Producer settings of the sink and the dead letters.</param>
    /// <param name="consumerSettings">Consumer settings of the source.</param>
    /// <param name="lateSink">Where late clicks go.</param>
    /// <returns>When the job has stopped.</returns>
    public static async Task RunAsync(
        ProducerSettings<byte[], byte[]> producerSettings, ConsumerSettings<byte[], byte[]> consumerSettings, ISinkConnector<Click> lateSink)
    {
        // begin-snippet: runtime-job-in-code
        var job = StreamJobBuilder.Create("clicks-per-second")
            .WithDeadLetters(KafkaConnectors.DeadLetters(producerSettings, "dead"))
            .FromSource("clicks", KafkaConnectors.Source(consumerSettings, Subscriptions.Topics("clicks"), Decode),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .Where(c => c.User != "bot")
            .KeyBy(c => c.User)                               // string/long/int/Guid built in; else pass an IKeyCodec
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(Aggregates.Count<Click>(), (user, window, count) => $"{user}|{window.Start}|{count}"))
            .SideOutputTo(OutputTags.LateData<Click>(), lateSink)
            .To(KafkaConnectors.Sink<string>(producerSettings, Encode))
            .Build();                                         // validates: source, sink, unique names, key codec

        var system = await ActorFlowCluster.StartNodeAsync("app", StateStoreSettings.Sqlite("data"));
        var running = await JobRunner.StartAsync(system, job); // resumes from the latest complete checkpoint, if any
        await running.StopAsync(TimeSpan.FromSeconds(30));    // drain: stop reading, in-flight batches reach the sinks
        // end-snippet
        await system.Terminate();
    }

    private static Click Decode(ConsumeResult<byte[], byte[]> record) =>
        new(Encoding.UTF8.GetString(record.Message.Key), long.Parse(Encoding.UTF8.GetString(record.Message.Value), CultureInfo.InvariantCulture));

    private static ProducerRecord<byte[], byte[]> Encode(string line) =>
        new("counts", new Message<byte[], byte[]> { Key = [], Value = Encoding.UTF8.GetBytes(line) });
}
