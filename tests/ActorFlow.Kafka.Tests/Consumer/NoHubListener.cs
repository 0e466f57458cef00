using ActorFlow.Kafka.Consumer.Internal;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Consumer;

/// <summary>A hub listener that ignores every event, for specs that drive a <see cref="ConsumerHub{TKey, TValue}"/> directly.</summary>
internal sealed class NoHubListener : IHubListener
{
    public void OnAssigned(IReadOnlyList<(TopicPartition Partition, int Generation)> partitions)
    {
    }

    public void OnRevoked(IReadOnlyList<TopicPartition> partitions)
    {
    }

    public void OnStopped()
    {
    }

    public void OnFailed(Exception error)
    {
    }
}
