using System.Globalization;
using System.Text;
using ActorFlow.Topology.Connectors;
using Confluent.Kafka;

namespace ActorFlow.TestKit;

/// <summary>
/// Produces to and reads from the topics of one Kafka cluster (the embedded broker, or any other) in tests: typed
/// topics (<see cref="Topic{T}"/>), records read to each partition's current end, dead letters read back with their
/// headers. One producer is shared and flushed after every call, so what a call produced is in Kafka when it returns.
/// </summary>
public sealed class TestTopics : IDisposable
{
    private readonly Lazy<IProducer<byte[]?, byte[]?>> _producer;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _partitions = new(StringComparer.Ordinal);

    /// <summary>Creates the client; nothing connects before the first call.</summary>
    /// <param name="bootstrapServers">The cluster, e.g. <c>EmbeddedKafka.BootstrapServers</c>.</param>
    /// <param name="timeout">How long one produce or read may take before it fails (default 30 s).</param>
    public TestTopics(string bootstrapServers, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(bootstrapServers);
        BootstrapServers = bootstrapServers;
        Timeout = timeout ?? TimeSpan.FromSeconds(30);
        _producer = new(() => new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = bootstrapServers, LingerMs = 5, Partitioner = Partitioner.Murmur2Random }).Build());
    }

    /// <summary>Gets the cluster's bootstrap servers.</summary>
    public string BootstrapServers { get; }

    /// <summary>Gets how long one produce or read may take before it fails.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>A typed view of <paramref name="name"/>.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="name">The topic (create it first, e.g. through <c>EmbeddedKafkaOptions.Topics</c>).</param>
    /// <param name="format">How records look in the topic.</param>
    /// <returns>The topic.</returns>
    public TestTopic<T> Topic<T>(string name, TopicFormat<T> format)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(format);
        return new TestTopic<T>(this, name, format);
    }

    /// <summary>The dead letters in <paramref name="topic"/> (as <c>KafkaConnectors.DeadLetters</c> writes them), read to its end.</summary>
    /// <param name="topic">The dead-letter topic.</param>
    /// <returns>Every dead letter, partition by partition in offset order, with reason, origin, offset, operator, raw bytes and the original headers (those not named <c>actorflow.*</c>).</returns>
    public IReadOnlyList<DeadLetterRecord> ReadDeadLetters(string topic)
    {
        var records = new List<DeadLetterRecord>();
        ReadToEnd(topic, r =>
        {
            string? Header(string name) => r.Message.Headers?.TryGetLastBytes(name, out var bytes) == true ? Encoding.UTF8.GetString(bytes) : null;
            var offset = Header("actorflow.offset") is { } text ? long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture) : -1;
            var original = (r.Message.Headers ?? []).Where(h => !h.Key.StartsWith("actorflow.", StringComparison.Ordinal))
                .Select(h => new KeyValuePair<string, byte[]?>(h.Key, h.GetValueBytes())).ToList();
            records.Add(new DeadLetterRecord(Header("actorflow.error") ?? "", Header("actorflow.origin") ?? "", offset, r.Message.Key, r.Message.Value, Header("actorflow.operator"))
            {
                Headers = original.Count > 0 ? original : null,
            });
        });
        return records;
    }

    /// <summary>Disposes the shared producer.</summary>
    public void Dispose()
    {
        if (_producer.IsValueCreated)
        {
            _producer.Value.Dispose();
        }
    }

    /// <summary>Writes raw records and waits until Kafka has them all.</summary>
    internal void Produce(IEnumerable<(TopicPartition? Partition, string Topic, Message<byte[]?, byte[]?> Message)> records)
    {
        var producer = _producer.Value;
        Exception? failure = null;
        void Report(DeliveryReport<byte[]?, byte[]?> report)
        {
            if (report.Error.IsError)
            {
                failure ??= new KafkaException(report.Error);
            }
        }

        foreach (var (partition, topic, message) in records)
        {
            if (partition is null)
            {
                producer.Produce(topic, message, Report);
            }
            else
            {
                producer.Produce(partition, message, Report);
            }
        }

        var left = producer.Flush(Timeout);
        if (left > 0)
        {
            throw new TimeoutException($"{left} records were still not delivered to Kafka at {BootstrapServers} after {Timeout.TotalSeconds:0.#} s.");
        }

        if (failure is not null)
        {
            throw new InvalidOperationException($"Producing to Kafka at {BootstrapServers} failed: {failure.Message}", failure);
        }
    }

    /// <summary>The number of partitions of <paramref name="topic"/>, from the cluster's metadata.</summary>
    internal int PartitionCount(string topic) =>
        TryPartitionCount(topic) ?? throw new InvalidOperationException($"The topic '{topic}' does not exist at {BootstrapServers}: create it first (EmbeddedKafkaOptions.Topics or EmbeddedKafka.CreateTopic).");

    /// <summary>The number of partitions of <paramref name="topic"/>, or null when it does not exist (it is not created).</summary>
    internal int? TryPartitionCount(string topic)
    {
        // A topic's partitions do not change during a test: metadata is asked once per topic that exists.
        if (_partitions.TryGetValue(topic, out var known))
        {
            return known;
        }

        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        // Metadata of every topic: asking for one topic by name would create it on a broker that auto-creates topics.
        var metadata = admin.GetMetadata(Timeout).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0)
        {
            return null;
        }

        return _partitions[topic] = metadata.Partitions.Count;
    }

    /// <summary>
    /// Reads every partition of <paramref name="topic"/> from its beginning to its end at the time of the call
    /// (read_committed: records of open or aborted transactions are not seen), partition by partition in offset order.
    /// A topic that does not exist (yet) has no records.
    /// </summary>
    internal void ReadToEnd(string topic, Action<ConsumeResult<byte[]?, byte[]?>> onRecord)
    {
        if (TryPartitionCount(topic) is not { } partitions)
        {
            return;
        }

        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            GroupId = "actorflow-testkit-reader",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            IsolationLevel = IsolationLevel.ReadCommitted,
            FetchWaitMaxMs = 10,
        }).Build();
        var pending = new HashSet<int>();
        var assignment = new List<TopicPartitionOffset>();
        for (var p = 0; p < partitions; p++)
        {
            var ends = consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), Timeout);
            if (ends.High.Value > ends.Low.Value)
            {
                pending.Add(p);
                assignment.Add(new TopicPartitionOffset(topic, p, Offset.Beginning));
            }
        }

        if (pending.Count == 0)
        {
            return;
        }

        var byPartition = new SortedDictionary<int, List<ConsumeResult<byte[]?, byte[]?>>>();
        consumer.Assign(assignment);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (pending.Count > 0)
        {
            var left = Timeout - clock.Elapsed;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException($"Reading '{topic}' to its end took longer than {Timeout.TotalSeconds:0.#} s (partitions not read to the end: {string.Join(", ", pending)}).");
            }

            var result = consumer.Consume(left);
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                pending.Remove(result.Partition.Value);
                continue;
            }

            if (!byPartition.TryGetValue(result.Partition.Value, out var list))
            {
                byPartition.Add(result.Partition.Value, list = []);
            }

            list.Add(result);
        }

        foreach (var list in byPartition.Values)
        {
            list.ForEach(onRecord);
        }
    }
}
