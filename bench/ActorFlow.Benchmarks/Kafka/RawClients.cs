using System.Diagnostics;
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

    /// <summary>
    /// The raw read every harness compares a job with: one Confluent consumer, <c>Assign</c> + <c>Consume</c> from
    /// <paramref name="partitions"/> until <paramref name="records"/> were read, each handed to <paramref name="decode"/>
    /// (the job's decoding, or nothing). Returns the stopwatch timestamps of the start, the first record and the end.
    /// </summary>
    public static (long Start, long First, long End) Read<TKey, TValue>(ConsumerSettings<TKey, TValue> settings, IEnumerable<TopicPartitionOffset> partitions, long records, TimeSpan timeout,
        Action<ConsumeResult<byte[], byte[]>>? decode = null)
    {
        var start = Stopwatch.GetTimestamp();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(ConsumerConfig(settings)).Build();
        consumer.Assign(partitions);
        long count = 0;
        long first = 0;
        while (count < records)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } result)
            {
                decode?.Invoke(result);
                if (count++ == 0)
                {
                    first = Stopwatch.GetTimestamp();
                }
            }

            if (Stopwatch.GetElapsedTime(start) > timeout)
            {
                throw new TimeoutException($"The raw consumer read only {count} of {records} records within {timeout}.");
            }
        }

        var end = Stopwatch.GetTimestamp();
        consumer.Close();
        return (start, first, end);
    }
}
