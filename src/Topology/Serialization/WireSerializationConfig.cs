using Akka.Configuration;

namespace ActorFlow.Topology.Serialization;

/// <summary>
/// INTERNAL API. The HOCON that binds the messages crossing nodes to <see cref="KeyGroupMessageSerializer"/>
/// (id 7201): the dispatcher's batches, the key groups' replies and the checkpoint messages. Every message for a
/// key-group entity (<c>IKeyGroupMessage</c>) is bound too, so a new one fails loudly in the serializer instead of
/// travelling in a reflective default format.
/// </summary>
internal static class WireSerializationConfig
{
    private const string Assembly = "ActorFlow.Topology";

    /// <summary>The configuration, to be a fallback of every ActorFlow node's config.</summary>
    public static Config Default { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers {
            actorflow-topology = "{{typeof(KeyGroupMessageSerializer).FullName}}, {{Assembly}}"
          }
          serialization-bindings {
            "ActorFlow.Topology.Runtime.IKeyGroupMessage, {{Assembly}}" = actorflow-topology
            "ActorFlow.Topology.Runtime.KeyGroupBatch, {{Assembly}}" = actorflow-topology
            "ActorFlow.Topology.Runtime.KeyGroupReply, {{Assembly}}" = actorflow-topology
            "ActorFlow.Topology.Runtime.TriggerCheckpoint, {{Assembly}}" = actorflow-topology
            "ActorFlow.Topology.Runtime.KeyGroupCheckpointed, {{Assembly}}" = actorflow-topology
            "ActorFlow.Topology.Runtime.PruneSnapshots, {{Assembly}}" = actorflow-topology
            "ActorFlow.Topology.Runtime.KeyGroupStateLost, {{Assembly}}" = actorflow-topology
            "ActorFlow.Topology.Runtime.KeyGroupReset, {{Assembly}}" = actorflow-topology
          }
          serialization-identifiers {
            "{{typeof(KeyGroupMessageSerializer).FullName}}, {{Assembly}}" = {{KeyGroupMessageSerializer.SerializerId}}
          }
        }
        """);
}
