using System.Globalization;
using Akka.Cluster.Sharding;

namespace ActorFlow.Topology.Runtime;

/// <summary>INTERNAL API. Entity id = key group; shard = key group mod shard count, so rebalancing moves whole key groups.</summary>
internal sealed class KeyGroupExtractor(int shards) : IMessageExtractor
{
    public string? EntityId(object message) => message is IKeyGroupMessage m ? m.KeyGroup.ToString(CultureInfo.InvariantCulture) : null;

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => message is IKeyGroupMessage m ? (m.KeyGroup % shards).ToString(CultureInfo.InvariantCulture) : null;

    public string ShardId(string entityId, object? messageHint = null) =>
        (int.Parse(entityId, CultureInfo.InvariantCulture) % shards).ToString(CultureInfo.InvariantCulture);
}
