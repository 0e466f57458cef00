using Confluent.Kafka;

namespace FraudDetection.App;

/// <summary>
/// The consumer lag of the job: the input topic's end offsets minus the offsets its consumer group committed (the
/// job commits them when a checkpoint completes, so this is the input not yet covered by a checkpoint).
/// </summary>
public sealed class LagProbe : IDisposable
{
    private readonly IConsumer<byte[], byte[]> _consumer;
    private readonly List<TopicPartition> _partitions;

    /// <summary>Initializes a new instance of the <see cref="LagProbe"/> class.</summary>
    /// <param name="servers">Bootstrap servers.</param>
    /// <param name="topic">The input topic.</param>
    /// <param name="group">The job's consumer group.</param>
    public LagProbe(string servers, string topic, string group)
    {
        _consumer = new ConsumerBuilder<byte[], byte[]>(new ConsumerConfig { BootstrapServers = servers, GroupId = group, EnableAutoCommit = false }).SetLogHandler(KafkaClients.Log).Build();
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers }).SetLogHandler(KafkaClients.Log).Build();
        _partitions = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Select(p => new TopicPartition(topic, p.PartitionId)).ToList();
    }

    /// <summary>The lag now, or <c>null</c> when the broker does not answer.</summary>
    /// <returns>Records.</returns>
    public long? Lag()
    {
        try
        {
            var committed = _consumer.Committed(_partitions, TimeSpan.FromSeconds(2)).ToDictionary(c => c.Partition.Value, c => c.Offset.Value);
            return _partitions.Sum(p =>
            {
                var end = _consumer.QueryWatermarkOffsets(p, TimeSpan.FromSeconds(2)).High.Value;
                var done = committed.TryGetValue(p.Partition.Value, out var offset) && offset >= 0 ? offset : 0;
                return Math.Max(0, end - done);
            });
        }
        catch (KafkaException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}
