using System.Diagnostics;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Settings;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ActorFlow.Benchmarks.Kafka;

/// <summary>
/// <see cref="KafkaConsumer.PlainSource{TKey, TValue}"/> against a raw <c>Assign</c> + <c>Consume</c> loop, both built
/// from the same <see cref="ConsumerSettings{TKey, TValue}"/> (reference.conf's tuned kafka-clients values), both
/// reading the same pre-filled topic from the beginning. Timed from creating the consumer to the last record, so
/// both include their start-up.
/// </summary>
public sealed class ConsumerComparison : IKafkaComparison
{
    private const string Topic = "consume";
    private ConsumerSettings<Null, byte[]>? _settings;
    private TopicPartitionOffset[] _partitions = [];
    private int _records;

    /// <inheritdoc />
    public string Name => "consumer: PlainSource vs raw Consume loop";

    /// <inheritdoc />
    public Task SetUpAsync(BenchContext context)
    {
        context.Kafka.CreateTopic(Topic, context.Partitions);
        _records = context.Records;
        _partitions = Enumerable.Range(0, context.Partitions).Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)).ToArray();
        _settings = ConsumerSettings<Null, byte[]>.Create(KafkaDefaults.Config, Deserializers.Null, Deserializers.ByteArray)
            .WithBootstrapServers(context.Kafka.BootstrapServers);
        var config = RawClients.ConsumerConfig(_settings);
        Console.WriteLine("  consumer client settings (both contenders): " +
            string.Join(", ", config.Where(kv => kv.Key != "bootstrap.servers").OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}")));
        var producerSettings = ProducerSettings<Null, byte[]>.Create(KafkaDefaults.Config, Serializers.Null, Serializers.ByteArray)
            .WithBootstrapServers(context.Kafka.BootstrapServers);
        using var producer = KafkaProducer.CreateProducer(producerSettings);
        var value = new byte[context.ValueBytes];
        for (var i = 0; i < context.Records; i++)
        {
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(Topic, i % context.Partitions), new Message<Null, byte[]> { Value = value });
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    producer.Poll(TimeSpan.FromMilliseconds(10));
                }
            }
        }

        if (producer.Flush(TimeSpan.FromMinutes(2)) > 0)
        {
            throw new InvalidOperationException("Could not fill the consumer benchmark topic.");
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Measurement> RunRawAsync(BenchContext context, int round)
    {
        var watch = Stopwatch.StartNew();
        using var consumer = new ConsumerBuilder<Null, byte[]>(RawClients.ConsumerConfig(_settings!))
            .SetValueDeserializer(Deserializers.ByteArray)
            .Build();
        consumer.Assign(_partitions);
        var count = 0;
        var first = TimeSpan.Zero;
        while (count < _records)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false })
            {
                if (count++ == 0)
                {
                    first = watch.Elapsed;
                }
            }

            if (watch.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"Raw consumer read only {count} of {_records}.");
            }
        }

        watch.Stop();
        consumer.Close();
        return Task.FromResult(new Measurement(count, watch.Elapsed, first));
    }

    /// <inheritdoc />
    public async Task<Measurement> RunStageAsync(BenchContext context, int round)
    {
        var first = TimeSpan.Zero;
        var watch = Stopwatch.StartNew();
        var count = await KafkaConsumer.PlainSource(_settings!, Subscriptions.AssignmentWithOffset(_partitions))
            .Take(_records)
            .RunAggregate(0, (n, _) =>
            {
                if (n == 0)
                {
                    first = watch.Elapsed;
                }

                return n + 1;
            }, context.Materializer)
            .WaitAsync(TimeSpan.FromMinutes(2));
        watch.Stop();
        return new Measurement(count, watch.Elapsed, first);
    }
}
