using System.Globalization;
using System.Net;
using System.Net.Sockets;
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
        var first = FreePort();
        var second = FreePort();
        var seeds = string.Create(CultureInfo.InvariantCulture, $"akka.cluster.seed-nodes = [\"akka.tcp://seeded@127.0.0.1:{first}\"]");
        var nodeA = await ActorFlowCluster.StartNodeAsync("seeded", StateStoreSettings.Sqlite(Path.Combine(_data.Path, "a")), overrides: ConfigurationFactory.ParseString(seeds), port: first);
        ActorSystem? nodeB = null;
        try
        {
            nodeB = await ActorFlowCluster.StartNodeAsync("seeded", StateStoreSettings.Sqlite(Path.Combine(_data.Path, "b")), overrides: ConfigurationFactory.ParseString(seeds), port: second);

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

    public void Dispose() => _data.Dispose();

    private static int Up(ActorSystem node) => Akka.Cluster.Cluster.Get(node).State.Members.Count(m => m.Status == Akka.Cluster.MemberStatus.Up);

    private static List<Address> Members(ActorSystem node) => [.. Akka.Cluster.Cluster.Get(node).State.Members.Select(m => m.Address).Order()];

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
