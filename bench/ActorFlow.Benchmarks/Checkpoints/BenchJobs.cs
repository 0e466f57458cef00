using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using Akka;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Benchmarks.Checkpoints;

/// <summary>One input record: a key and an event time (epoch ms).</summary>
public sealed record KeyedEvent(string Key, long Time);

/// <summary>The jobs the checkpoint benchmark runs, reading the embedded broker.</summary>
public static class BenchJobs
{
    /// <summary>A tumbling 1 s count per key; the sink adds up the counts.</summary>
    public static StreamJob TumblingCount(ActorSystem system, string bootstrap, string topic, string group, ISinkConnector<long> sink) =>
        StreamJobBuilder.Create("bench-count")
            .FromSource("events", Source(system, bootstrap, topic, group),
                WatermarkStrategy<KeyedEvent>.ForBoundedOutOfOrderness(TimeSpan.Zero).WithTimestampAssigner((e, _) => e.Time))
            .KeyBy(e => e.Key)
            .Process("count", () => WindowOperators.For<string, KeyedEvent>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new Count()))
            .To(sink)
            .Build();

    /// <summary>A keyed process function keeping <paramref name="bytesPerKey"/> bytes of value state per key; emits 1 per record.</summary>
    public static StreamJob LargeState(ActorSystem system, string bootstrap, string topic, string group, int bytesPerKey, ISinkConnector<long> sink) =>
        StreamJobBuilder.Create("bench-state")
            .FromSource("events", Source(system, bootstrap, topic, group),
                WatermarkStrategy<KeyedEvent>.ForBoundedOutOfOrderness(TimeSpan.Zero).WithTimestampAssigner((e, _) => e.Time))
            .KeyBy(e => e.Key)
            .Process("state", () => KeyedProcessOperators.Create(new Blob(bytesPerKey)))
            .To(sink)
            .Build();

    /// <summary>Produces <paramref name="count"/> records, key <c>k{i % keys}</c>, event time <c>base + i * msPerRecord</c>.</summary>
    public static void Produce(string bootstrap, string topic, long first, long count, int keys, long baseTime, double msPerRecord)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = bootstrap, LingerMs = 20, BatchSize = 1_000_000 }).Build();
        for (var i = first; i < first + count; i++)
        {
            var value = new byte[8];
            BinaryPrimitives.WriteInt64BigEndian(value, baseTime + (long)(i * msPerRecord));
            var key = Encoding.UTF8.GetBytes("k" + (i % keys).ToString(CultureInfo.InvariantCulture));
            while (true)
            {
                try
                {
                    producer.Produce(topic, new Message<byte[], byte[]> { Key = key, Value = value });
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(50));
                }
            }
        }

        if (producer.Flush(TimeSpan.FromSeconds(120)) != 0)
        {
            throw new InvalidOperationException("The benchmark input was not fully produced.");
        }
    }

    /// <summary>One record per partition far in the future, so every window before it fires.</summary>
    public static void ProduceEnd(string bootstrap, string topic, int partitions, long time)
    {
        using var producer = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = bootstrap }).Build();
        var value = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(value, time);
        for (var p = 0; p < partitions; p++)
        {
            producer.Produce(new TopicPartition(topic, p), new Message<byte[], byte[]> { Key = "zz-end"u8.ToArray(), Value = value });
        }

        producer.Flush(TimeSpan.FromSeconds(30));
    }

    private static ISourceConnector<KeyedEvent> Source(ActorSystem system, string bootstrap, string topic, string group) =>
        KafkaConnectors.Source(
            ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(bootstrap).WithGroupId(group),
            Subscriptions.Topics(topic),
            r => new KeyedEvent(Encoding.UTF8.GetString(r.Message.Key), BinaryPrimitives.ReadInt64BigEndian(r.Message.Value)));

    private sealed class Count : IAggregateFunction<KeyedEvent, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(KeyedEvent value, long accumulator) => accumulator + 1;

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => a + b;
    }

    private sealed class Blob(int bytesPerKey) : KeyedProcessFunction<string, KeyedEvent, long>
    {
        private static readonly ValueStateDescriptor<byte[]> Descriptor = new("blob", ActorFlow.Operators.Serialization.Serializers.ByteArray);

        public override void ProcessElement(KeyedEvent value, Context context, ICollector<long> output)
        {
            var state = context.State.GetState(Descriptor);
            if (!state.HasValue)
            {
                var bytes = new byte[bytesPerKey];
                Random.Shared.NextBytes(bytes);
                state.Update(bytes);
            }

            output.Collect(1);
        }
    }
}

/// <summary>An in-memory sink adding up the values it gets; records when the first arrives and when a total is reached.</summary>
public sealed class SummingSink(long target) : ISinkConnector<long>
{
    private readonly TaskCompletionSource<long> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _total;

    /// <summary>The sum so far.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Stopwatch timestamp of the first value.</summary>
    public Task<long> First => _first.Task;

    /// <summary>Stopwatch timestamp at which the sum reached the target.</summary>
    public Task<long> Done => _done.Task;

    /// <inheritdoc />
    public Akka.Streams.Dsl.Sink<long, Task<Done>> Sink() => Akka.Streams.Dsl.Sink.ForEach<long>(v =>
    {
        _first.TrySetResult(Stopwatch.GetTimestamp());
        if (Interlocked.Add(ref _total, v) >= target)
        {
            _done.TrySetResult(Stopwatch.GetTimestamp());
        }
    });
}
