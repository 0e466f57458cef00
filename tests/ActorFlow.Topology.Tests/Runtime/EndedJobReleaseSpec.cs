using System.Runtime.CompilerServices;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using ActorFlow.Topology.Tests.Bounded;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// A node holds the jobs that run on it, to close them when it terminates, and only those: a job that ended leaves,
/// so a long-lived node that starts and ends many jobs does not keep every one it ever ran (each used to add its own
/// coordinated-shutdown task and termination continuation, which held it until the node ended).
/// </summary>
public sealed class EndedJobReleaseSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-ended-job-release");

    /// <summary>Verify that jobs that ended by themselves are neither registered with their node nor kept alive by it.</summary>
    [Fact]
    public async Task An_ended_job_must_not_be_kept_by_its_node()
    {
        var system = await ActorFlowCluster.StartNodeAsync("ended-job-release", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var ended = new List<WeakReference>();
            for (var run = 0; run < 3; run++)
            {
                ended.Add(await RunToEndAsync(system, "ended-job-" + run));
            }

            Assert.Equal(0, LiveJobs.Get(system).Count);
            await Poll.UntilAsync(
                () =>
                {
                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    return ended.All(r => !r.IsAlive);
                },
                TimeSpan.FromSeconds(20));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// Verify that a job's checkpoint coordinator closes when the job completes: a checkpoint asked of it afterwards
    /// fails at once (it waited for ever for a stream that is gone, once the node no longer closed ended jobs at its
    /// termination), and so would one still in flight, instead of being recorded later through a released store.
    /// </summary>
    [Fact]
    public async Task A_completed_jobs_checkpoints_must_be_closed()
    {
        var system = await ActorFlowCluster.StartNodeAsync("ended-job-checkpoints", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var running = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount("ended-job-checkpoints", new BoundedListSource<Click>([.. BoundedJobs.Clicks(200, 2)]), new ListCheckpointedSink()), new JobRunnerOptions());
            await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            var failure = await Assert.ThrowsAsync<CheckpointFailedException>(() => running.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(10)));
            Assert.Contains("has completed", failure.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Runs a small bounded job to its end; returns a weak reference to its <see cref="RunningJob"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<WeakReference> RunToEndAsync(Akka.Actor.ActorSystem system, string name)
    {
        var input = BoundedJobs.Clicks(200, 2);
        var running = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount(name, new BoundedListSource<Click>([.. input]), new ListCheckpointedSink()), new JobRunnerOptions());
        var summary = await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.True(summary.EndOfInput);
        Assert.Equal(200, summary.RecordsRead);
        return new WeakReference(running);
    }

    public void Dispose() => _data.Dispose();
}
