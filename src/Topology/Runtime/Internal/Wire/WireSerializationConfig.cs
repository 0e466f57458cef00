using ActorFlow.Topology.Runtime.Internal;
using Akka.Configuration;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The HOCON that binds the messages crossing nodes to <see cref="KeyGroupMessageSerializer"/>
/// (id 7201): the dispatcher's batches, the key groups' replies and the checkpoint messages. Every message for a
/// key-group entity (<c>IKeyGroupMessage</c>) is bound too, so a new one fails loudly in the serializer instead of
/// travelling in a reflective default format.
/// </summary>
internal static class WireSerializationConfig
{
    private const string Assembly = "ActorFlow.Topology";

    // Type names come from the types themselves, so moving a message to another namespace cannot unbind it.
    private static string Name<T>() => $"{typeof(T).FullName}, {Assembly}";

    /// <summary>The configuration, to be a fallback of every ActorFlow node's config.</summary>
    public static Config Default { get; } = ConfigurationFactory.ParseString($$"""
        akka.actor {
          serializers {
            actorflow-topology = "{{Name<KeyGroupMessageSerializer>()}}"
          }
          serialization-bindings {
            "{{Name<IKeyGroupMessage>()}}" = actorflow-topology
            "{{Name<KeyGroupBatch>()}}" = actorflow-topology
            "{{Name<KeyGroupReply>()}}" = actorflow-topology
            "{{Name<TriggerCheckpoint>()}}" = actorflow-topology
            "{{Name<KeyGroupCheckpointed>()}}" = actorflow-topology
            "{{Name<PruneSnapshots>()}}" = actorflow-topology
            "{{Name<KeyGroupStateLost>()}}" = actorflow-topology
            "{{Name<KeyGroupReset>()}}" = actorflow-topology
            "{{Name<KeyGroupRestored>()}}" = actorflow-topology
          }
          serialization-identifiers {
            "{{Name<KeyGroupMessageSerializer>()}}" = {{KeyGroupMessageSerializer.SerializerId}}
          }
        }
        """);
}
