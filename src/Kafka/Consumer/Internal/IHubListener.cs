using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>INTERNAL API. Events of a <see cref="ConsumerHub{TKey,TValue}"/>, called on its poll thread.</summary>
internal interface IHubListener
{
    /// <summary>Partitions were assigned; each with the generation that identifies this assignment.</summary>
    void OnAssigned(IReadOnlyList<(TopicPartition Partition, int Generation)> partitions);

    /// <summary>Partitions were revoked or lost; their unread records were dropped (they are read again by the next owner).</summary>
    void OnRevoked(IReadOnlyList<TopicPartition> partitions);

    /// <summary>The hub was stopped; takes answer Completed from now on. Called on the stopping thread.</summary>
    void OnStopped();

    /// <summary>The consumer failed; takes answer Failed from now on.</summary>
    void OnFailed(Exception error);
}
