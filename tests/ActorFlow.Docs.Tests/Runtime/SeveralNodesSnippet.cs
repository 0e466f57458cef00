using ActorFlow.Operators.Serialization;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Cluster;

namespace ActorFlow.Docs.Tests.Runtime;

/// <summary>
/// docs/runtime.md, "Serialization and several nodes": compiled, not run (it needs PostgreSQL);
/// tests/ActorFlow.Topology.Tests/Cluster/TwoNodeSpec.cs runs two nodes end to end.
/// </summary>
public static class SeveralNodesSnippet
{
    /// <summary>The example, with the database's connection string as a parameter.</summary>
    /// <param name="connection">A PostgreSQL connection string.</param>
    /// <returns>When the job runs on node a.</returns>
    public static async Task<RunningJob> StartAsync(string connection)
    {
        // begin-snippet: runtime-several-nodes
        var serializers = new SerializerRegistry().Register(Serializers.Create<Click>(
            (w, c) => { w.WriteString(c.User); w.WriteInt64(c.Time); },
            (ref StateReader r) => new Click(r.ReadString()!, r.ReadInt64())));
        StreamJob BuildJob() => StreamJobBuilder.Create("clicks-per-second").WithSerializers(serializers) /* ...as above... */ .Build();

        var a = await ActorFlowCluster.StartNodeAsync("app", StateStoreSettings.PostgreSql(connection));
        var b = await ActorFlowCluster.StartNodeAsync("app", StateStoreSettings.PostgreSql(connection), [Cluster.Get(a).SelfAddress]);
        await JobRunner.HostAsync(b, BuildJob());          // key groups may live on b; b runs no source
        var running = await JobRunner.StartAsync(a, BuildJob());
        // end-snippet
        return running;
    }

    /// <summary>docs/runtime.md, "A job that moves between nodes": every node runs the same code.</summary>
    /// <param name="connection">A PostgreSQL connection string.</param>
    /// <param name="seeds">The cluster's seed nodes.</param>
    /// <param name="buildJob">Builds the job (with its serializers).</param>
    /// <returns>This node's handle of the job.</returns>
    public static async Task<JobSingleton> StartSingletonAsync(string connection, IReadOnlyList<Akka.Actor.Address> seeds, Func<StreamJob> buildJob)
    {
        // begin-snippet: runtime-singleton
        var node = await ActorFlowCluster.StartNodeAsync("app", StateStoreSettings.PostgreSql(connection), seeds);
        var job = await JobRunner.StartSingletonAsync(node, buildJob, new JobRunnerOptions { CheckpointInterval = TimeSpan.FromSeconds(10) });
        // job.Current: the RunningJob while this node runs it (the oldest node), else null
        // end-snippet
        return job;
    }
}
