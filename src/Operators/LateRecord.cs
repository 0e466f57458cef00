namespace ActorFlow.Operators;

/// <summary>
/// A record that arrived too late for every window it belongs to, with its key: the element of the keyed late-data
/// side output (<see cref="OutputTags.LateRecords{TKey,T}"/>), chosen with
/// <c>WindowOperatorBuilder.WithLateDataOutput(OutputTag&lt;LateRecord&lt;TKey, TIn&gt;&gt;)</c>. The default late-data output
/// (<see cref="OutputTags.LateData{T}"/>) carries the record alone; both carry the record's timestamp.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="T">The input record type.</typeparam>
/// <param name="Key">The record's key.</param>
/// <param name="Value">The record.</param>
/// <param name="Timestamp">The record's event timestamp (epoch ms), also the side output's timestamp.</param>
public sealed record LateRecord<TKey, T>(TKey Key, T Value, long Timestamp);
