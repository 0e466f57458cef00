using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests;

/// <summary>
/// Test fixture: clicks in, results out, on an embedded broker. Clicks are written with the user as key and the
/// event time as value; results are read back from a topic to its end.
/// </summary>
public sealed class ClickTopics(EmbeddedKafka kafka, string input = "clicks", int partitions = 4)
{
    /// <summary>Event time of the first window of every test.</summary>
    public const long Base = 1_700_000_000_000;

    /// <summary>Clicks in Kafka: the user as key, the event time as value text (the Kafka timestamp is the produce time).</summary>
    public static readonly TopicFormat<Click> Format = new(
        c => (Encoding.UTF8.GetBytes(c.User), Encoding.UTF8.GetBytes(c.Time.ToString(CultureInfo.InvariantCulture))),
        (key, value) => new Click(Encoding.UTF8.GetString(key ?? []), long.Parse(Encoding.UTF8.GetString(value), CultureInfo.InvariantCulture)));

    /// <summary>Writes <paramref name="clicks"/> to the input topic.</summary>
    public void Produce(IEnumerable<Click> clicks)
    {
        using var topics = new TestTopics(kafka.BootstrapServers);
        topics.Topic(input, Format).Produce(clicks);
    }

    /// <summary>
    /// The job the checkpoint fault specs run: a tumbling 1 s count per user over the input topic's partitions (bounded
    /// out-of-orderness 1 s), labelled by <paramref name="label"/> (default <see cref="Label"/>), written to
    /// <paramref name="output"/> through the exactly-once sink (or through <paramref name="sink"/>); the consumer settings
    /// changed by <paramref name="consumerSettings"/> when given; without a <paramref name="group"/> the consumer has no group.id;
    /// dead letters to the topic <paramref name="deadLetters"/> or to <paramref name="deadLetterSink"/> when given; with
    /// <paramref name="subscribe"/> the input topic is subscribed through the consumer group instead of assigned; <paramref name="subscription"/>,
    /// when given, is read instead (e.g. a pattern).
    /// </summary>
    public StreamJob ExactlyOnceCountJob(ActorSystem system, string jobName, string? group, string output = "counts", ProcessWindowFunction<string, long, string>? label = null, Func<IKeyedOperator<string, Click, string>>? counter = null, ISinkConnector<string>? sink = null, Func<ConsumerSettings<byte[], byte[]>, ConsumerSettings<byte[], byte[]>>? consumerSettings = null, string? deadLetters = null, ISinkConnector<DeadLetterRecord>? deadLetterSink = null, bool subscribe = false, ISubscription? subscription = null)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(kafka.BootstrapServers);
        consumer = group is null ? consumer : consumer.WithGroupId(group);
        consumer = consumerSettings?.Invoke(consumer) ?? consumer;
        var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(kafka.BootstrapServers);
        var builder = StreamJobBuilder.Create(jobName);
        if (deadLetterSink is not null || deadLetters is not null)
        {
            builder = builder.WithDeadLetters(deadLetterSink ?? KafkaConnectors.DeadLetters(producer, deadLetters!));
        }

        return builder
            .FromSource(input, KafkaConnectors.Source(consumer, subscription ?? (subscribe ? Subscriptions.Topics(input) : Subscriptions.Assignment(Enumerable.Range(0, partitions).Select(p => new TopicPartition(input, p)).ToArray())), Format.FromKafka),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", counter ?? (() => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), label ?? new Label())))
            .To(sink ?? KafkaConnectors.ExactlyOnceSink<string>(producer, output, s => (null, Encoding.UTF8.GetBytes(s))))
            .Build();
    }

    /// <summary>One far-future click per partition, so every partition's watermark passes every window.</summary>
    public void ProduceEnd()
    {
        using var topics = new TestTopics(kafka.BootstrapServers);
        var topic = topics.Topic(input, Format);
        for (var p = 0; p < partitions; p++)
        {
            topic.ProduceTo(new Click("zz-end", Base + 10_000_000), partition: p);
        }
    }

    /// <summary>The job's results as UTF-8 text to <paramref name="output"/> through the plain sink (flushed at every barrier).</summary>
    public ISinkConnector<string> PlainSink(ActorSystem system, string output = "counts") =>
        KafkaConnectors.Sink<string>(ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(kafka.BootstrapServers), output, s => (null, Encoding.UTF8.GetBytes(s)));

    /// <summary>Checkpoints of <paramref name="job"/> until one meets <paramref name="condition"/> (60 s at most), and returns it.</summary>
    public static async Task<CheckpointRecord> CheckpointUntilAsync(RunningJob job, Func<CheckpointRecord, bool> condition, string description)
    {
        CheckpointRecord? checkpoint = null;
        await Poll.UntilAsync(async () => condition(checkpoint = await job.CheckpointAsync()), TimeSpan.FromSeconds(60), description);
        return checkpoint!;
    }

    /// <summary>
    /// Checkpoints of <paramref name="job"/> (each publishes what its sink holds) until <paramref name="output"/>, read to
    /// its end, meets <paramref name="condition"/> (60 s at most).
    /// </summary>
    public Task ReadAfterCheckpointsAsync(RunningJob job, Func<List<string>, bool> condition, string description, string output = "counts") =>
        Poll.UntilAsync(
            async () =>
            {
                await job.CheckpointAsync();
                return condition(Read(output));
            },
            TimeSpan.FromSeconds(60),
            description);

    /// <summary>Every record of <paramref name="topic"/> (UTF-8), from the beginning to its current end.</summary>
    public List<string> Read(string topic)
    {
        using var topics = new TestTopics(kafka.BootstrapServers);
        return [.. topics.Topic(topic, TopicFormat.Utf8).ReadToEnd()];
    }

    /// <summary>The dead letters in <paramref name="topic"/>: their headers, key and value.</summary>
    public List<ReadDeadLetter> ReadWithHeaders(string topic)
    {
        using var topics = new TestTopics(kafka.BootstrapServers);
        return [.. topics.ReadDeadLetters(topic).Select(d => new ReadDeadLetter(d.Reason, d.Origin, d.Offset, d.Operator, d.Key, d.Value))];
    }

    /// <summary>
    /// The latest count per (user, window) in <paramref name="topic"/>, whose records are "user|windowStart|count":
    /// the output read as an upsert table (an at-least-once sink may repeat a window). End markers are left out.
    /// </summary>
    public Dictionary<string, long> Latest(string topic) =>
        OutputAssert.Latest(Read(topic).Select(r => r.Split('|')).Where(p => p[0] != "zz-end"), p => p[0] + "|" + p[1])
            .ToDictionary(e => e.Key, e => long.Parse(e.Value[2], CultureInfo.InvariantCulture));

    /// <summary>Reference result of a tumbling 1 s count per user, as "user|windowStart" → count.</summary>
    public static Dictionary<string, long> CountsPerSecond(IEnumerable<Click> clicks) =>
        clicks.GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .ToDictionary(g => $"{g.Key.User}|{g.Key.Start}", g => (long)g.Count());

    /// <summary>Polls <paramref name="condition"/> until it holds (kept for specs not yet on <see cref="Poll"/>).</summary>
    public static Task AwaitAsync(Func<bool> condition, TimeSpan timeout) => Poll.UntilAsync(condition, timeout);

    /// <summary>Polls an asynchronous <paramref name="condition"/> until it holds (kept for specs not yet on <see cref="Poll"/>).</summary>
    public static Task AwaitAsync(Func<Task<bool>> condition, TimeSpan timeout) => Poll.UntilAsync(condition, timeout);
}

/// <summary>A dead letter as read back from its topic.</summary>
public sealed record ReadDeadLetter(string Error, string Origin, long Offset, string? Operator, byte[]? Key, byte[]? Value);
