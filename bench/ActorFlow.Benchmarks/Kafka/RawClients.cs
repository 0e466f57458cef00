using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Benchmarks.Kafka;

/// <summary>
/// The raw Confluent contenders' client configuration, built from the same public settings the ActorFlow stages use,
/// so that both sides read with the same librdkafka properties (reference.conf's tuned <c>kafka-clients</c> values).
/// </summary>
internal static class RawClients
{
    /// <summary>
    /// <paramref name="settings"/>' librdkafka properties as a Confluent consumer configuration, with a throwaway
    /// <c>group.id</c> when none is set (librdkafka wants one even for <c>Assign</c>; nothing is committed).
    /// </summary>
    public static ConsumerConfig ConsumerConfig<TKey, TValue>(ConsumerSettings<TKey, TValue> settings) =>
        new(new Dictionary<string, string>(settings.Properties, StringComparer.Ordinal))
        {
            GroupId = settings.GroupId ?? "bench-" + Guid.NewGuid().ToString("N"),
        };
}
