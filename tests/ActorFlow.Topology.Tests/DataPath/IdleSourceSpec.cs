using System.Collections.Concurrent;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.DataPath;

/// <summary>
/// A source whose inputs are all idle (here: a topic with no records, read with <c>WithIdleness</c>) does not hold back
/// the watermark of a job with several sources, as in Flink; without idleness it holds it, as in Flink.
/// </summary>
public sealed class IdleSourceSpec : IDisposable
{
    private const long Base = 1_700_000_000_000;
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-idle-source");

    /// <summary>Verify that the job's watermark follows the busy source once the empty one went idle, and stays put without idleness.</summary>
    [Fact]
    public async Task An_idle_source_must_not_hold_back_the_job_watermark()
    {
        var system = await ActorFlowCluster.StartNodeAsync("idle-source", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var idleOut = new ConcurrentQueue<Click>();
            var idle = await JobRunner.StartAsync(system, Job("idle", WatermarkStrategy<Click>.ForMonotonousTimestamps().WithIdleness(TimeSpan.FromMilliseconds(300)), idleOut));
            await Poll(() => idle.CurrentWatermark == Base + 9_999, "the watermark reaches the busy source's");
            await idle.StopAsync(TimeSpan.FromSeconds(30));

            // Without idleness the empty source holds the job back (Flink's behaviour): everything is read, time stays.
            var holdingOut = new ConcurrentQueue<Click>();
            var holding = await JobRunner.StartAsync(system, Job("holding", WatermarkStrategy<Click>.ForMonotonousTimestamps(), holdingOut));
            await Poll(() => holdingOut.Count == 10_001, "every record is read");
            Assert.True(holding.CurrentWatermark < Base, $"watermark {holding.CurrentWatermark}");
            await holding.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private static StreamJob Job(string name, WatermarkStrategy<Click> emptyStrategy, ConcurrentQueue<Click> output)
    {
        var builder = StreamJobBuilder.Create(name);
        var busy = builder.FromSource("busy", new OpenEndedSource([.. Enumerable.Range(0, 10_001).Select(i => new Click("u" + (i % 7), Base + i))]),
            WatermarkStrategy<Click>.ForMonotonousTimestamps().WithTimestampAssigner((c, _) => c.Time));
        var empty = builder.FromSource("empty", new OpenEndedSource([]), emptyStrategy.WithTimestampAssigner((c, _) => c.Time));
        busy.Union(empty).To(new QueueSink<Click>(output));
        return builder.Build();
    }

    private static async Task Poll(Func<bool> condition, string what)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"timed out waiting until {what}");
            await Task.Delay(50);
        }
    }

    /// <summary>An unbounded source: one partition with the given records (none: no partition at all), then nothing, never ending.</summary>
    private sealed class OpenEndedSource(IReadOnlyList<Click> records) : ISourceConnector<Click>
    {
        public Source<(string Partition, Source<IReadOnlyList<SourceRecord<Click>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets)
        {
            var control = new StoppableControl();
            var partitions = records.Count == 0
                ? control.UntilStopped<(string, Source<IReadOnlyList<SourceRecord<Click>>, NotUsed>)>()
                : Source.Single(("open/0", Source.From(records.Select((c, i) => new SourceRecord<Click>(c, c.Time, "open/0", i)).Chunk(500).Select(IReadOnlyList<SourceRecord<Click>> (x) => x))
                    .Concat(control.UntilStopped<IReadOnlyList<SourceRecord<Click>>>())))
                    .Concat(control.UntilStopped<(string, Source<IReadOnlyList<SourceRecord<Click>>, NotUsed>)>());
            return partitions.MapMaterializedValue(ISourceControl (_) => control);
        }
    }
}
