namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. One record of a chunk: its value, event timestamp and source offset.</summary>
internal readonly record struct Element<T>(T Value, long Timestamp, long Offset);
