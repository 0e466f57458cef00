namespace ActorFlow.Kafka.Embedded;

/// <summary>Options for <see cref="EmbeddedKafka.Start(EmbeddedKafkaOptions?)"/>. Validated when the broker starts.</summary>
public sealed record EmbeddedKafkaOptions
{
    /// <summary>Number of mock brokers, ids 1..n. The default is 1.</summary>
    public int BrokerCount { get; init; } = 1;

    /// <summary>Topics created at start, with their partition counts. The default is none.</summary>
    public IReadOnlyDictionary<string, int> Topics { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Partition count for topics that clients create implicitly by producing or subscribing to them.
    /// The default is 1 (librdkafka's mock default).
    /// </summary>
    public int DefaultPartitions { get; init; } = 1;

    internal void Validate()
    {
        if (BrokerCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(BrokerCount), BrokerCount, "The embedded broker needs at least one broker.");
        }

        if (DefaultPartitions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DefaultPartitions), DefaultPartitions, "A topic needs at least one partition.");
        }

        foreach (var (name, partitions) in Topics)
        {
            EmbeddedKafka.ValidateTopic(name, partitions);
        }
    }
}
