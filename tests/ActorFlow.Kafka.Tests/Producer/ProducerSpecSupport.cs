using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Producer;

/// <summary>Shared set-up of the producer specs: settings for an embedded broker and a raw read-back consumer.</summary>
internal static class ProducerSpecSupport
{
    public static ProducerSettings<string, string> SettingsFor(string bootstrapServers) =>
        ProducerSettings<string, string>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers(bootstrapServers);

    /// <summary>
    /// Reads every partition of <paramref name="topic"/> from the beginning to its end (partition EOF) with a raw
    /// consumer that uses Assign (no group wait). With read_committed the end is the last stable offset.
    /// </summary>
    public static List<ConsumeResult<string, string>> ReadAll(
        string bootstrapServers,
        string topic,
        int partitions,
        IsolationLevel isolation = IsolationLevel.ReadUncommitted,
        TimeSpan? timeout = null)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = "read-back-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true,
            IsolationLevel = isolation,
            FetchWaitMaxMs = 10,
        };
        using var consumer = new ConsumerBuilder<string, string>(config).Build();
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = new List<ConsumeResult<string, string>>();
        var atEnd = new HashSet<int>();
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        var limit = timeout ?? TimeSpan.FromSeconds(15);
        while (atEnd.Count < partitions)
        {
            if (deadline.Elapsed > limit)
            {
                throw new TimeoutException($"Read {records.Count} record(s) of {topic}; partitions at end: {string.Join(",", atEnd)}.");
            }

            var result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (result is null)
            {
                continue;
            }

            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
            }
            else
            {
                atEnd.Remove(result.Partition.Value);
                records.Add(result);
            }
        }

        return records;
    }
}
