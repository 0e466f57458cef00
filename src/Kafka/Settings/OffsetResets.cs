using Confluent.Kafka;

namespace ActorFlow.Kafka.Settings;

/// <summary>INTERNAL API. What a consumer's <c>auto.offset.reset</c> resets a partition without a committed offset to.</summary>
internal static class OffsetResets
{
    /// <summary>
    /// <see cref="Offset.Beginning"/> for earliest (and librdkafka's aliases smallest, beginning), <see cref="Offset.End"/>
    /// for latest (largest, end, and librdkafka's default when unset), <see cref="Offset.Unset"/> for error or anything
    /// else (no reset: left to the consumer). Confluent.Kafka's typed getter throws on the aliases librdkafka accepts.
    /// </summary>
    public static Offset Of(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "earliest" or "smallest" or "beginning" => Offset.Beginning,
        null or "" or "latest" or "largest" or "end" => Offset.End,
        _ => Offset.Unset,
    };
}
