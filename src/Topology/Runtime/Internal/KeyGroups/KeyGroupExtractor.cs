using System.Globalization;
using Akka.Cluster.Sharding;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. Entity id = key group; shard = key group mod shard count, so rebalancing moves whole key groups.</summary>
internal sealed class KeyGroupExtractor(int shards) : IMessageExtractor
{
    // Every batch is routed by these ids: made once, not per message.
    private static readonly string[] Numbers = [.. Enumerable.Range(0, 4096).Select(i => i.ToString(CultureInfo.InvariantCulture))];

    public string? EntityId(object message) => message is IKeyGroupMessage m ? Text(m.KeyGroup) : null;

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => message is IKeyGroupMessage m ? Text(m.KeyGroup % shards) : null;

    public string ShardId(string entityId, object? messageHint = null) =>
        Text(int.Parse(entityId, CultureInfo.InvariantCulture) % shards);

    private static string Text(int number) =>
        number >= 0 && number < Numbers.Length ? Numbers[number] : number.ToString(CultureInfo.InvariantCulture);
}
