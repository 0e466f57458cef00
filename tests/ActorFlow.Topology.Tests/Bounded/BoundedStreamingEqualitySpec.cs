using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using ActorFlow.Topology.Tests.Graphs;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Bounded;

/// <summary>
/// The same job over the same Kafka topic, run as a stream (unbounded source, stopped once its output is complete),
/// bounded (it ends by itself) and bounded in batch mode: every output equals a reference computed with LINQ. The topic ends
/// with one far-future marker per partition so that the streaming run fires its last windows too; the markers'
/// own results are left out of every comparison.
/// </summary>
public sealed class BoundedStreamingEqualitySpec : IDisposable
{
    private const string Marker = "~end";
    private const long MarkerTime = BoundedJobs.Base + 100_000_000;
    private const int Partitions = 4;
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["clicks"] = Partitions } });
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-bounded-eq");
    private readonly List<Click> _clicks;

    public BoundedStreamingEqualitySpec()
    {
        _clicks = [.. BoundedJobs.Clicks(3_000, 1).SelectMany(p => p).Select(c => c.Value)];
        new ClickTopics(_kafka).Produce(_clicks);
        using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build();
        for (var p = 0; p < Partitions; p++)
        {
            producer.Produce(new TopicPartition("clicks", p), new Message<string, string> { Key = Marker, Value = MarkerTime.ToString(CultureInfo.InvariantCulture) });
        }

        Assert.Equal(0, producer.Flush(TimeSpan.FromSeconds(30)));
    }

    /// <summary>Verify that a windowed count gives the reference's windows streaming, bounded and in batch mode.</summary>
    [Fact]
    public async Task A_windowed_job_must_give_the_same_results_bounded_as_streaming()
    {
        var expected = BoundedJobs.WindowCounts(_clicks);

        var (streaming, bounded, batch) = await RunAllAsync(expected.Count, (name, source, sink) => StreamJobBuilder.Create("eq-window-" + name)
            .FromSource("clicks", source, BoundedJobs.Watermarks)
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new CountAggregate(), new Label()))
            .To(sink), r => !r.StartsWith(Marker, StringComparison.Ordinal));

        Assert.Equal(expected, streaming);
        Assert.Equal(expected, bounded);
        Assert.Equal(expected, batch);
    }

    /// <summary>
    /// Verify that a keyed process function with event-time timers (a top-3 per window over the windowed counts, a
    /// second hop) gives the reference's results streaming, bounded and in batch mode.
    /// </summary>
    [Fact]
    public async Task A_keyed_process_function_with_timers_must_give_the_same_results_bounded_as_streaming()
    {
        var counts = BoundedJobs.WindowCounts(_clicks).Select(r => r.Split('|')).ToDictionary(p => p[0] + "|" + p[1], p => long.Parse(p[2], CultureInfo.InvariantCulture));
        var expected = GraphJobs.TopPerWindow(counts, 3);
        var markerStart = MarkerTime - (MarkerTime % 1000);

        var (streaming, bounded, batch) = await RunAllAsync(expected.Count, (name, source, sink) => StreamJobBuilder.Create("eq-timers-" + name)
            .FromSource("clicks", source, BoundedJobs.Watermarks)
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new CountAggregate(), new Label()))
            .KeyBy(GraphJobs.StartOf)
            .Process("top3", () => KeyedProcessOperators.Create(new GraphJobs.TopN(3)))
            .To(sink), r => !r.StartsWith(markerStart.ToString(CultureInfo.InvariantCulture) + "|", StringComparison.Ordinal));

        Assert.Equal(expected, streaming);
        Assert.Equal(expected, bounded);
        Assert.Equal(expected, batch);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    /// <summary>
    /// Runs the job streaming until <paramref name="count"/> results arrived (then stops it), bounded until it ends,
    /// and bounded in batch mode until it ends.
    /// </summary>
    private async Task<(List<string> Streaming, List<string> Bounded, List<string> Batch)> RunAllAsync(
        int count, Func<string, ISourceConnector<Click>, ISinkConnector<string>, StreamJobBuilder> build, Func<string, bool> keep)
    {
        var system = await ActorFlowCluster.StartNodeAsync("bounded-eq", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var subscription = Subscriptions.Assignment([.. Enumerable.Range(0, Partitions).Select(p => new TopicPartition("clicks", p))]);

            var streamed = new ConcurrentQueue<string>();
            var streamingJob = build("streaming", KafkaConnectors.Source(consumer, subscription, Decode), new QueueSink<string>(streamed)).Build();
            var streaming = await JobRunner.StartAsync(system, streamingJob);
            await AwaitAsync(() => streamed.Count(keep) >= count, TimeSpan.FromSeconds(60));
            var stopped = await StopAsync(streaming);
            Assert.False(stopped.EndOfInput);

            var ended = new ConcurrentQueue<string>();
            var boundedJob = build("bounded", KafkaConnectors.BoundedSource(consumer, subscription, Decode), new QueueSink<string>(ended)).Build();
            var summary = await (await JobRunner.StartAsync(system, boundedJob)).Completion.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(summary.EndOfInput);
            Assert.Equal(_clicks.Count + Partitions, summary.RecordsRead);

            var batched = new ConcurrentQueue<string>();
            var batchJob = build("batch", KafkaConnectors.BoundedSource(consumer, subscription, Decode), new QueueSink<string>(batched)).Build();
            var batchSummary = await (await JobRunner.StartAsync(system, batchJob, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchKeyGroupParallelism = 3 })).Completion.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(batchSummary.EndOfInput);
            Assert.Equal(0, batchSummary.LateRecords);

            return ([.. streamed.Where(keep).Order(StringComparer.Ordinal)], [.. ended.Where(keep).Order(StringComparer.Ordinal)], [.. batched.Where(keep).Order(StringComparer.Ordinal)]);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    private static async Task<JobSummary> StopAsync(RunningJob job)
    {
        await job.StopAsync(TimeSpan.FromSeconds(30));
        return await job.Completion;
    }

    private static Click Decode(ConsumeResult<byte[], byte[]> r) =>
        new(Encoding.UTF8.GetString(r.Message.Key), long.Parse(Encoding.UTF8.GetString(r.Message.Value), CultureInfo.InvariantCulture));

    private static async Task AwaitAsync(Func<bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition())
        {
            await Task.Delay(50, cts.Token);
        }
    }
}
