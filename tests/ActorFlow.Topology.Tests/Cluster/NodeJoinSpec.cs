using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Akka.Configuration;

namespace ActorFlow.Topology.Tests.Cluster;

/// <summary>
/// A node that cannot join its seed nodes ends its start with an error instead of waiting for ever. A node restarted
/// while its cluster was losing members (a review's three node processes: the joining node was downed with the others
/// by the split-brain resolver) stayed in <see cref="ActorFlowCluster.StartNodeAsync"/> after its actor system had
/// terminated, neither joining nor exiting, so its supervisor never restarted it: the start awaited Akka's
/// <c>JoinSeedNodesAsync</c>, which completes only once the node is up, before its own 30 s bound began.
/// </summary>
public sealed class NodeJoinSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-node-join");

    /// <summary>Verify that a node whose actor system terminates while it joins (here: it gives up joining after 2 s) ends its start at once.</summary>
    [Fact]
    public async Task A_node_that_terminates_while_joining_must_end_its_start()
    {
        var overrides = ConfigurationFactory.ParseString("akka.cluster.shutdown-after-unsuccessful-join-seed-nodes = 2s");
        var clock = Stopwatch.StartNew();

        var start = ActorFlowCluster.StartNodeAsync("joining", StateStoreSettings.Sqlite(_data.Path), [new Address("akka.tcp", "joining", "127.0.0.1", ClosedPort())], overrides);
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => start.WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.Contains("terminated while joining", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25), $"the start ended after {clock.Elapsed}, not when the node terminated");
    }

    /// <summary>
    /// Verify that a node whose seed nodes never answer ends its start within its bound (actorflow.cluster.join-timeout,
    /// here 3 s instead of the default 30 s), naming the seed nodes and the setting.
    /// </summary>
    [Fact]
    public async Task A_node_whose_seed_nodes_never_answer_must_end_its_start_within_its_bound()
    {
        var seed = new Address("akka.tcp", "joining", "127.0.0.1", ClosedPort());
        var clock = Stopwatch.StartNew();

        var start = ActorFlowCluster.StartNodeAsync("joining", StateStoreSettings.Sqlite(_data.Path), [seed], ConfigurationFactory.ParseString("actorflow.cluster.join-timeout = 3 s"));
        var e = await Assert.ThrowsAsync<TimeoutException>(() => start.WaitAsync(TimeSpan.FromSeconds(90)));

        Assert.Contains(seed.ToString(), e.Message, StringComparison.Ordinal);
        Assert.Contains("within 3 s (actorflow.cluster.join-timeout)", e.Message, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(25), $"the start ended after {clock.Elapsed}, not at the configured bound");
    }

    /// <summary>
    /// Verify that a join bound that is no duration from 1 ms to 49 days (the longest wait .NET's timers take) is refused
    /// before a node starts, naming the setting.
    /// </summary>
    [Theory]
    [InlineData("0 s")]
    [InlineData("-5 s")]
    [InlineData("soon")]
    [InlineData("60 d")]
    public async Task A_join_timeout_out_of_range_must_be_refused(string value)
    {
        var overrides = ConfigurationFactory.ParseString($"actorflow.cluster.join-timeout = \"{value}\"");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => ActorFlowCluster.StartNodeAsync("joining", StateStoreSettings.Sqlite(_data.Path), overrides: overrides));

        Assert.Contains("actorflow.cluster.join-timeout", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();

    /// <summary>A port on 127.0.0.1 that nothing listens on.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
