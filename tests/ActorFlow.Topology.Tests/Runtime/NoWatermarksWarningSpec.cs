using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// A streaming job on an unbounded source whose watermark strategy is <c>NoWatermarks</c> while one of its operators
/// uses event-time windows says so at its start: its windows never fire, and nothing said why (the stalled-watermark
/// warning watches only sources that make watermarks). The same job with processing-time windows gets no warning.
/// </summary>
public sealed class NoWatermarksWarningSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-no-watermarks");

    /// <summary>Verify the warning names the job, the operator and the window assigner, and that processing-time windows get none.</summary>
    [Fact]
    public async Task Event_time_windows_over_sources_without_watermarks_must_be_warned_of()
    {
        var system = await ActorFlowCluster.StartNodeAsync("no-watermarks", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var log = WarningLog.Collect(system);
            var eventTime = await JobRunner.StartAsync(system, Build("event-time", TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))));
            await Poll.UntilAsync(() => Task.FromResult(log.Any(l => l.Contains("Job event-time: operator 'counts'", StringComparison.Ordinal))), TimeSpan.FromSeconds(30));
            Assert.Contains(log, l => l.Contains("TumblingEventTimeWindows", StringComparison.Ordinal) && l.Contains("NoWatermarks", StringComparison.Ordinal));
            await eventTime.StopAsync(TimeSpan.FromSeconds(30));

            var processingTime = await JobRunner.StartAsync(system, Build("processing-time", TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(1))));
            await processingTime.CheckpointAsync(); // the warning is logged at the start, before the first checkpoint
            await processingTime.StopAsync(TimeSpan.FromSeconds(30));
            Assert.DoesNotContain(log, l => l.Contains("Job processing-time: operator", StringComparison.Ordinal));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private static StreamJob Build(string name, WindowAssigner windows)
    {
        var builder = StreamJobBuilder.Create(name);
        builder.FromSource("numbers", new OpenEndedNumbers(5), WatermarkStrategy<long>.NoWatermarks())
            .KeyBy(n => n % 2)
            .Process("counts", () => WindowOperators.For<long, long>(windows).Aggregate(new Count(), (key, _, count) => $"{key} {count}"))
            .To(new ListCheckpointedSink());
        return builder.Build();
    }

    private sealed class Count : IAggregateFunction<long, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(long value, long accumulator) => accumulator + 1;

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => a + b;
    }
}
