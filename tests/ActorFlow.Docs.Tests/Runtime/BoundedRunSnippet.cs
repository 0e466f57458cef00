using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Docs.Tests.Runtime;

/// <summary>
/// docs/runtime.md, "Bounded runs and batch mode": compiled, not run (it needs a Kafka);
/// tests/ActorFlow.Topology.Tests/Bounded/BoundedStreamingEqualitySpec.cs runs such jobs end to end.
/// </summary>
public static class BoundedRunSnippet
{
    /// <summary>The example, with what it uses from elsewhere as parameters.</summary>
    /// <param name="system">A cluster member (<c>ActorFlowCluster.StartNodeAsync</c>).</param>
    /// <param name="consumerSettings">Consumer settings of the source.</param>
    /// <param name="sink">Where the counts go.</param>
    /// <returns>The job's summary.</returns>
    public static async Task<JobSummary> RunAsync(ActorSystem system, ConsumerSettings<byte[], byte[]> consumerSettings, ISinkConnector<string> sink)
    {
        // begin-snippet: runtime-bounded-run
        var job = StreamJobBuilder.Create("clicks-backfill")
            .FromSource("clicks", KafkaConnectors.BoundedSource(consumerSettings, Subscriptions.Topics("clicks"), Decode),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(Aggregates.Count<Click>(), (user, window, count) => $"{user}|{window.Start}|{count}"))
            .To(sink)
            .Build();

        var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch });
        JobSummary summary = await running.Completion;   // ends by itself: every window fired, sinks done
        Console.WriteLine($"{summary.RecordsRead} read, {summary.RecordsEmitted} emitted in {summary.Duration}");
        // end-snippet
        return summary;
    }

    private static Click Decode(ConsumeResult<byte[], byte[]> record) =>
        new(Encoding.UTF8.GetString(record.Message.Key), long.Parse(Encoding.UTF8.GetString(record.Message.Value), CultureInfo.InvariantCulture));
}
