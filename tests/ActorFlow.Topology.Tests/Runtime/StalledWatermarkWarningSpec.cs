using System.Collections.Concurrent;
using System.Diagnostics;
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

    /// <summary>
    /// Verify the warning, once, for a source with a silent partition, and none for the same job with idleness once
    /// its watermark moved, even after a warning period.
    /// </summary>
    [Fact]
    public async Task Records_read_while_the_watermark_stays_at_its_start_must_be_warned_of_once()
    {
        var system = await ActorFlowCluster.StartNodeAsync("stalled-watermark", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var log = WarningLog.Collect(system);
            var options = new JobRunnerOptions { CheckpointInterval = null, StalledWatermarkWarning = TimeSpan.FromMilliseconds(300) };

            var stalled = await JobRunner.StartAsync(system, Build("stalled", WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner((n, _) => n)), options);
            // The warning counts what the period read: all 20 records on a quiet machine, fewer when the source was still
            // reading them as the first period ended (a busy CI machine).
            var warned = new System.Text.RegularExpressions.Regex(@"Job stalled: ([1-9]|1[0-9]|20) records read in the last");
            await Poll.UntilAsync(() => Task.FromResult(log.Any(l => warned.IsMatch(l))), TimeSpan.FromSeconds(30));
            Assert.Contains(log, l => l.Contains("the watermark has not moved from its start", StringComparison.Ordinal) && l.Contains("WithIdleness", StringComparison.Ordinal));
            Assert.Equal(long.MinValue, stalled.CurrentWatermark);
            await stalled.StopAsync(TimeSpan.FromSeconds(30));

            // The same job with idleness: the silent partition goes idle after 100 ms and the watermark moves at the
            // next tick (200 ms), so nothing is warned, even once a warning period has passed. The warning comes only
            // if the watermark is still at its start when the period ends: a run proves it when its watermark was
            // seen moved within the period (timed from before the job started) and the test then waits the period
            // out (timed from after the start). On a machine so busy that the watermark took longer, a warning would
            // be right: that run proves nothing, and the next one gets twice the period.
            var idleness = WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner((n, _) => n).WithIdleness(TimeSpan.FromMilliseconds(100));
            var period = TimeSpan.FromSeconds(3);
            for (var attempt = 1; ; attempt++, period *= 2)
            {
                var name = "idle-" + attempt;
                var beforeStart = Stopwatch.StartNew();
                var idle = await JobRunner.StartAsync(system, Build(name, idleness), options with { StalledWatermarkWarning = period });
                var afterStart = Stopwatch.StartNew();
                await Poll.UntilAsync(() => Task.FromResult(idle.CurrentWatermark > long.MinValue), TimeSpan.FromSeconds(30));
                var movedAfter = beforeStart.Elapsed;
                if (movedAfter < period)
                {
                    var rest = period + TimeSpan.FromMilliseconds(500) - afterStart.Elapsed;
                    if (rest > TimeSpan.Zero)
                    {
                        await Task.Delay(rest); // past the period's end, when the warning would come
                    }

                    await idle.StopAsync(TimeSpan.FromSeconds(30));
                    Assert.DoesNotContain(log, l => l.Contains("the watermark has not moved", StringComparison.Ordinal) && l.Contains($"Job {name}: ", StringComparison.Ordinal));
                    break;
                }

                await idle.StopAsync(TimeSpan.FromSeconds(30));
                Assert.True(attempt < 3, $"The watermark of job '{name}' moved only after {movedAfter.TotalSeconds:0.0} s, past its warning period ({period.TotalSeconds:0} s), in three runs.");
            }

            Assert.Single(log, l => l.Contains("the watermark has not moved", StringComparison.Ordinal) && l.Contains("Job stalled: ", StringComparison.Ordinal));
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
