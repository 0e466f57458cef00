using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// A streaming job with an unbounded source and an exactly-once sink started with periodic checkpoints off
/// (<c>CheckpointInterval = null</c>) says so in a warning: its sink publishes only at checkpoints asked for, so its output
/// stayed unpublished without a word. With checkpoints on nothing is said.
/// </summary>
public sealed class UnpublishedSinkWarningSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-unpublished-sink");

    /// <summary>Verify the warning names the job, the sink and the setting, and that a job with an interval gets none.</summary>
    [Fact]
    public async Task An_exactly_once_sink_without_periodic_checkpoints_must_be_warned_of()
    {
        var system = await ActorFlowCluster.StartNodeAsync("unpublished-sink", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var log = WarningLog.Collect(system);
            var off = await JobRunner.StartAsync(system, Build("off"), new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => Task.FromResult(log.Any(l => l.Contains("Job off: CheckpointInterval is null", StringComparison.Ordinal))), TimeSpan.FromSeconds(30));
            Assert.Contains(log, l => l.Contains("ListCheckpointedSink", StringComparison.Ordinal) && l.Contains("publish only at checkpoints asked for", StringComparison.Ordinal));
            await off.StopAsync(TimeSpan.FromSeconds(30));

            var on = await JobRunner.StartAsync(system, Build("on"), new JobRunnerOptions { CheckpointInterval = TimeSpan.FromSeconds(1) });
            await on.CheckpointAsync(); // the warning is logged at the start, before the first checkpoint
            await on.StopAsync(TimeSpan.FromSeconds(30));
            Assert.DoesNotContain(log, l => l.Contains("Job on: CheckpointInterval", StringComparison.Ordinal));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private static StreamJob Build(string name)
    {
        var builder = StreamJobBuilder.Create(name);
        builder.FromSource("numbers", new OpenEndedNumbers(5), WatermarkStrategy<long>.NoWatermarks()).Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture)).To(new ListCheckpointedSink());
        return builder.Build();
    }
}
