using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using Akka.Configuration;

namespace ActorFlow.Topology.Tests.Cluster;

/// <summary>
/// A node asked for one port whose overrides set another is refused at once, naming both: the overrides take
/// precedence, so the node bound their port and then failed to join after 30 s (found by an Akka.NET user's review).
/// </summary>
public sealed class NodePortSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-node-port");

    /// <summary>Verify that a port argument other than the overrides' port is refused naming both.</summary>
    [Fact]
    public async Task A_port_other_than_the_overrides_port_must_be_refused()
    {
        var overrides = ConfigurationFactory.ParseString("akka.remote.dot-netty.tcp.port = 4053");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => ActorFlowCluster.StartNodeAsync("app", StateStoreSettings.Sqlite(_data.Path), overrides: overrides, port: 5009));

        Assert.Contains("port 5009", e.Message, StringComparison.Ordinal);
        Assert.Contains("akka.remote.dot-netty.tcp.port = 4053", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();
}
