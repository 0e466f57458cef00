using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Akka.Configuration;

namespace ActorFlow.Topology.Tests.Cluster;

/// <summary>
/// Nodes started with the same HOCON naming the seed nodes (<c>akka.cluster.seed-nodes</c>, as hocon/cluster-node.conf
/// does) and no <c>seeds</c> argument form one cluster. <see cref="ActorFlowCluster.StartNodeAsync"/> joined every such
/// node to itself, so each was a cluster of its own, each hosting every key group of a job.
/// </summary>
public sealed class ConfiguredSeedNodesSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-configured-seeds");

    /// <summary>Verify that a second node started with the first node's address as configured seed node joins its cluster.</summary>
    [Fact]
    public async Task Nodes_started_with_configured_seed_nodes_must_form_one_cluster()
    {
        var nodeA = await ActorFlowCluster.StartNodeAsync("seeded", StateStoreSettings.Sqlite(Path.Combine(_data.Path, "a")));
        ActorSystem? nodeB = null;
        try
        {
            var seeds = ConfigurationFactory.ParseString($"akka.cluster.seed-nodes = [\"{Akka.Cluster.Cluster.Get(nodeA).SelfAddress}\"]");
            nodeB = await ActorFlowCluster.StartNodeAsync("seeded", StateStoreSettings.Sqlite(Path.Combine(_data.Path, "b")), overrides: seeds);

            await Poll.UntilAsync(
                () => Up(nodeA) == 2 && Up(nodeB) == 2,
                TimeSpan.FromSeconds(30),
                "both nodes see two members up");
            Assert.Equal(Members(nodeA), Members(nodeB));
        }
        finally
        {
            if (nodeB is not null)
            {
                await nodeB.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
            }

            await nodeA.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Verify that seed nodes of another actor system name are refused at once, naming both (the node could never join them).</summary>
    [Fact]
    public async Task Seed_nodes_of_another_system_name_must_be_refused_naming_both()
    {
        var seeds = ConfigurationFactory.ParseString("akka.cluster.seed-nodes = [\"akka.tcp://actorflow@127.0.0.1:4053\"]");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => ActorFlowCluster.StartNodeAsync("app", StateStoreSettings.Sqlite(Path.Combine(_data.Path, "c")), overrides: seeds));

        Assert.Contains("akka.tcp://actorflow@127.0.0.1:4053", e.Message, StringComparison.Ordinal);
        Assert.Contains("'app'", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();

    private static int Up(ActorSystem node) => Akka.Cluster.Cluster.Get(node).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up);

    private static List<Address> Members(ActorSystem node) => [.. Akka.Cluster.Cluster.Get(node).State.Members.Select(m => m.Address).Order()];

}
