using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>INTERNAL API. Builds the exceptions producer stages fail with, keeping the broker's error code.</summary>
internal static class ProducerErrors
{
    /// <summary>A failed delivery report: names the topic and partition and keeps the broker's error code.</summary>
    public static KafkaException Delivery(string topic, Partition partition, Error error, Exception? cause = null)
    {
        var where = partition == Partition.Any ? topic : $"{topic} [{partition.Value}]";
        var wrapped = new Error(error.Code, $"Delivery to {where} failed: {error.Reason} ({error.Code})", error.IsFatal);
        return cause is null ? new KafkaException(wrapped) : new KafkaException(wrapped, cause);
    }

    /// <summary>A fatal client error (for example a fenced transactional producer).</summary>
    public static KafkaException Fatal(Error error, string? transactionalId)
    {
        var who = transactionalId is null ? "The Kafka producer" : $"The transactional Kafka producer with transactional.id '{transactionalId}'";
        var what = error.Code == ErrorCode.ProducerFenced || error.Code == ErrorCode.InvalidProducerEpoch
            ? " was fenced by a newer producer with the same transactional.id"
            : " hit a fatal error";
        return new KafkaException(new Error(error.Code, $"{who}{what}: {error.Reason} ({error.Code})", true));
    }
}
