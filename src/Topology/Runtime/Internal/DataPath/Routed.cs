namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. A keyed record on its way to its key group; key group -1 = no key group (stateless job).</summary>
internal readonly record struct Routed(int KeyGroup, object Key, object? Value, long Timestamp);
