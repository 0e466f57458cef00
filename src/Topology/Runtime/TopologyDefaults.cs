using Akka.Configuration;

namespace ActorFlow.Topology.Runtime;

/// <summary>INTERNAL API. The defaults of ActorFlow.Topology, shipped as the embedded <c>reference.conf</c> (<c>actorflow.cluster</c>).</summary>
internal static class TopologyDefaults
{
    private static readonly Lazy<Config> Reference = new(() => ConfigurationFactory.FromResource("ActorFlow.Topology.reference.conf", typeof(TopologyDefaults).Assembly));

    /// <summary>The HOCON path of a node's cluster settings.</summary>
    public const string ClusterPath = "actorflow.cluster";

    /// <summary>Gets the embedded reference configuration.</summary>
    public static Config Config => Reference.Value;
}
