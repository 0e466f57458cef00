using ActorFlow.Persistence.Config;
using Akka.Actor;
using Akka.Configuration;

namespace ActorFlow.Hosting;

/// <summary>
/// The node <see cref="ActorFlowHostingExtensions.AddActorFlowNode"/> starts with the host: the arguments of
/// <c>ActorFlowCluster.StartNodeAsync</c>.
/// </summary>
public sealed class ActorFlowNodeOptions
{
    /// <summary>Gets or sets the actor system name, equal on every node of one cluster. Default <c>actorflow</c>.</summary>
    public string SystemName { get; set; } = "actorflow";

    /// <summary>
    /// Gets or sets where key-group state and checkpoints live (<c>StateStoreSettings.Sqlite(directory)</c> or
    /// <c>StateStoreSettings.PostgreSql(connection)</c>). Required.
    /// </summary>
    public StateStoreSettings? State { get; set; }

    /// <summary>
    /// Gets or sets the seed nodes to join; none: those of <c>akka.cluster.seed-nodes</c> in <see cref="Overrides"/> when
    /// it names some, else the node joins itself (a cluster of one).
    /// </summary>
    public IReadOnlyList<Address>? Seeds { get; set; }

    /// <summary>Gets or sets extra HOCON taking precedence over everything else (e.g. hocon/cluster-node.conf).</summary>
    public Config? Overrides { get; set; }

    /// <summary>Gets or sets the TCP port on 127.0.0.1; 0 picks a free one unless <see cref="Overrides"/> set one.</summary>
    public int Port { get; set; }

    /// <summary>
    /// Gets or sets the process exit code (<see cref="Environment.ExitCode"/>) set when the node's actor system ends
    /// while the host runs (downed by the cluster's split-brain resolver, terminated by code), unless one is set
    /// already; the host stops then. Null leaves the exit code alone. Default 1.
    /// </summary>
    public int? ExitCodeOnTermination { get; set; } = 1;
}
