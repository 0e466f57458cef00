using ActorFlow.Kafka.Settings;
using Akka.Streams.TestKit;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Producer;

/// <summary>Shared set-up of the producer specs: settings for an embedded broker and a raw read-back consumer.</summary>
internal static class ProducerSpecSupport
{
    /// <summary>How long a probe waits for the end of a stream of the embedded broker: it only bounds a hang.</summary>
    private static readonly TimeSpan StreamEnd = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Expects the stream's next signal to be its failure, within 30 s, and returns the cause. The probe's own
    /// ExpectErrorAsync takes no timeout: it waits the TestKit's default of 3 s (an outer WaitAsync does not extend it),
    /// too short for a stream of the broker under load.
    /// </summary>
    public static async Task<Exception> ExpectErrorWithinAsync<T>(this TestSubscriber.ManualProbe<T> probe) =>
        Assert.IsType<TestSubscriber.OnError>(await probe.ExpectEventAsync(StreamEnd)).Cause;

    /// <summary>
    /// Expects the stream's next signal to be its completion, within 30 s (the probe's own ExpectCompleteAsync waits the
    /// TestKit's default of 3 s, too short for a stream of the broker under load).
    /// </summary>
    public static async Task ExpectCompleteWithinAsync<T>(this TestSubscriber.ManualProbe<T> probe) =>
        Assert.IsType<TestSubscriber.OnComplete>(await probe.ExpectEventAsync(StreamEnd));

    /// <summary>
    /// Sends <paramref name="messages"/> in order, waiting up to 30 s in all for the stream's demand. The probe's
    /// SendNextAsync takes no timeout: without demand it waits for some the TestKit's default of 3 s, too short when
    /// demand comes only as the broker acknowledges earlier records (after an outage, past a reconnection's back-off).
    /// </summary>
    public static Task SendAllAsync<T>(this TestPublisher.Probe<T> probe, IEnumerable<T> messages) =>
        probe.WithinAsync(StreamEnd, async () =>
        {
            foreach (var message in messages)
            {
                await probe.SendNextAsync(message);
            }

            return true;
        });

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
