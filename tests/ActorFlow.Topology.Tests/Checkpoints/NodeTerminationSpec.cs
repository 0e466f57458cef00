using System.Globalization;
using System.Runtime.CompilerServices;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A node that terminates (a crash, or a shutdown that did not stop its jobs) takes its jobs' runs with it: their
/// checkpoint coordinators close, so nothing of a dead run writes to the checkpoint store the node released (a
/// checkpoint in flight used to fail a checkpoint timeout later and record that failure through it: the likely source
/// of the empty database FullDiskSpec's deleted state directory came back with in CI), and a checkpoint asked of the
/// dead job fails at once instead of waiting for a stream that is gone.
/// </summary>
public sealed class NodeTerminationSpec : IDisposable
{
    private const string Job = "node-termination";
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 1, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-node-termination");

    /// <summary>
    /// Verify that a terminating node closes its job's checkpoint coordinator before it releases what it holds (the
    /// checkpoint store is released in a termination callback): a checkpoint asked of the job in such a callback has
    /// already failed, and one asked after the termination fails at once.
    /// </summary>
    [Fact]
    public async Task A_terminating_node_must_close_its_jobs_checkpoints_before_it_releases_its_store()
    {
        var topics = new ClickTopics(_kafka, partitions: 1);
        topics.Produce(Enumerable.Range(0, 20).Select(i => new Click("user-" + (i % 3).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 100))));
        var seen = new StrongBox<int>();
        var state = StateStoreSettings.Sqlite(_data.Path);
        var system = await ActorFlowCluster.StartNodeAsync(Job, state);
        RunningJob job;
        Task<CheckpointRecord>? atRelease = null;
        try
        {
            job = await JobRunner.StartAsync(
                system,
                topics.ExactlyOnceCountJob(system, Job, Job, counter: () => KeyedProcessOperators.Create(new Seen(seen))),
                new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => Volatile.Read(ref seen.Value) == 20, TimeSpan.FromSeconds(30));
            system.RegisterOnTermination(() => atRelease = job.CheckpointAsync());
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.NotNull(atRelease);
        Assert.True(atRelease.IsFaulted, $"a checkpoint asked while the node released its store was {atRelease.Status}, not failed at once");
        var failure = await Assert.ThrowsAsync<CheckpointFailedException>(() => job.CheckpointAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("terminated", failure.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    /// <summary>Counts the clicks it sees; emits nothing.</summary>
    private sealed class Seen(StrongBox<int> seen) : KeyedProcessFunction<string, Click, string>
    {
        public override void ProcessElement(Click value, Context context, ICollector<string> output) => Interlocked.Increment(ref seen.Value);
    }
}
