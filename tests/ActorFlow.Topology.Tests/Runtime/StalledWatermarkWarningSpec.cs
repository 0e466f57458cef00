using System.Collections.Concurrent;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka;
using Akka.Actor;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// A job that reads records while its watermark never moves (a partition that delivers nothing holds it, without
/// idleness) says so once in a warning: no event-time window fired and nothing said why (found by a review as a
/// dashboard developer). With idleness the watermark moves and nothing is said.
/// </summary>
public sealed class StalledWatermarkWarningSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-stalled-watermark");

    /// <summary>Verify the warning for a source with a silent partition, and none for the same job with idleness.</summary>
    [Fact]
    public async Task Records_read_while_the_watermark_stays_at_its_start_must_be_warned_of_once()
    {
        var system = await ActorFlowCluster.StartNodeAsync("stalled-watermark", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var log = WarningLog.Collect(system);
            var options = new JobRunnerOptions { CheckpointInterval = null, StalledWatermarkWarning = TimeSpan.FromMilliseconds(300) };

            var stalled = await JobRunner.StartAsync(system, Build("stalled", WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner((n, _) => n)), options);
            await Poll.UntilAsync(() => Task.FromResult(log.Any(l => l.Contains("Job stalled: 20 records read", StringComparison.Ordinal))), TimeSpan.FromSeconds(30));
            Assert.Contains(log, l => l.Contains("the watermark has not moved from its start", StringComparison.Ordinal) && l.Contains("WithIdleness", StringComparison.Ordinal));
            Assert.Equal(long.MinValue, stalled.CurrentWatermark);
            await stalled.StopAsync(TimeSpan.FromSeconds(30));

            // The silent partition goes idle after 100 ms, and the watermark moves at the next tick (200 ms).
            var idle = await JobRunner.StartAsync(system, Build("idle", WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner((n, _) => n).WithIdleness(TimeSpan.FromMilliseconds(100))), options with { StalledWatermarkWarning = TimeSpan.FromSeconds(5) });
            await Poll.UntilAsync(() => Task.FromResult(idle.CurrentWatermark > long.MinValue), TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(5.5)); // past a warning period (the watermark moves within ~0.5 s; 5 s leaves room on a busy machine)
            await idle.StopAsync(TimeSpan.FromSeconds(30));
            Assert.Single(log, l => l.Contains("the watermark has not moved", StringComparison.Ordinal));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private static StreamJob Build(string name, WatermarkStrategy<long> watermarks)
    {
        var builder = StreamJobBuilder.Create(name);
        builder.FromSource("numbers", new OpenEndedNumbers(20, silent: 1), watermarks).To(new QueueSink<long>(new ConcurrentQueue<long>()));
        return builder.Build();
    }
}
