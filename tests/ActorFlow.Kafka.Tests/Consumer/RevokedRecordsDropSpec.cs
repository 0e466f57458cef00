using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Consumer.Internal;
using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Consumer;

/// <summary>
/// When a rebalance revokes partitions, the source drops the records it took from the hub but has not emitted yet (the
/// partitions' next owners read them again). A partition revoked and assigned back before the revoke reached the
/// stage has records of its new generation in that queue too: they are this consumer's, nobody reads them again, so
/// they must stay (the stage dropped every record of a revoked partition, whatever its generation).
/// </summary>
public sealed class RevokedRecordsDropSpec
{
    private static readonly TopicPartition Orders = new("orders", 0);
    private static readonly TopicPartition Payments = new("payments", 0);

    /// <summary>Verify that the old generations' records go and the new generation's stay, in order.</summary>
    [Fact]
    public void Records_of_the_new_generation_must_stay_when_the_revoke_arrives_late()
    {
        var settings = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers("127.0.0.1:1");
        using var hub = new ConsumerHub<byte[], byte[]>(settings, Subscriptions.Topics(Orders.Topic, Payments.Topic), new NoHubListener());
        hub.OnAssigned([Orders, Payments]);
        var local = new Queue<Polled<byte[], byte[]>>([Taken(Orders, 0, 1), Taken(Orders, 1, 1), Taken(Payments, 5, 1)]);

        hub.OnRevoked([Orders, Payments]);
        hub.OnAssigned([Orders]); // generation 2, read again from the committed offset
        local.Enqueue(Taken(Orders, 0, 2));
        local.Enqueue(Taken(Orders, 1, 2));

        KafkaSourceStage<byte[], byte[], object>.DropRevoked(local, hub.IsCurrent);

        Assert.Equal([(Orders, 0L, 2), (Orders, 1L, 2)], local.Select(p => (p.Record.TopicPartition, p.Record.Offset.Value, p.Generation)));
    }

    private static Polled<byte[], byte[]> Taken(TopicPartition partition, long offset, int generation) => new(
        new ConsumeResult<byte[], byte[]>
        {
            Topic = partition.Topic,
            Partition = partition.Partition,
            Offset = offset,
            Message = new Message<byte[], byte[]> { Key = [], Value = [(byte)offset] },
        },
        generation);
}
