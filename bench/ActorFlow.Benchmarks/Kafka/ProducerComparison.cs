using System.Diagnostics;
using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ActorFlow.Benchmarks.Kafka;

/// <summary>
/// <see cref="KafkaProducer.PlainSink{TKey, TValue}(ProducerSettings{TKey, TValue})"/> against a raw loop of
/// <c>Produce(topic, message, deliveryHandler)</c> + <c>Flush</c>, both with the producer settings of reference.conf
/// and the same pre-built messages (null key, fixed-size value), each into its own topic. Both are timed from creating
/// their producer to the last delivery report.
/// </summary>
public sealed class ProducerComparison : IKafkaComparison
{
    private const string RawTopic = "produce-raw";
    private const string StageTopic = "produce-stage";
    private Message<Null, byte[]>[] _messages = [];
    private ProducerRecord<Null, byte[]>[] _records = [];
    private ProducerSettings<Null, byte[]>? _settings;

    /// <inheritdoc />
    public string Name => "producer: PlainSink vs raw Produce loop";

    /// <inheritdoc />
    public Task SetUpAsync(BenchContext context)
    {
        context.Kafka.CreateTopic(RawTopic, context.Partitions);
        context.Kafka.CreateTopic(StageTopic, context.Partitions);
        _settings = ProducerSettings<Null, byte[]>.Create(KafkaDefaults.Config, Serializers.Null, Serializers.ByteArray)
            .WithBootstrapServers(context.Kafka.BootstrapServers);
        var value = new byte[context.ValueBytes];
        Random.Shared.NextBytes(value);
        _messages = new Message<Null, byte[]>[context.Records];
        _records = new ProducerRecord<Null, byte[]>[context.Records];
        for (var i = 0; i < context.Records; i++)
        {
            _messages[i] = new Message<Null, byte[]> { Value = value };
            _records[i] = new ProducerRecord<Null, byte[]>(StageTopic, _messages[i]);
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task<Measurement> RunRawAsync(BenchContext context, int round)
    {
        // Timed from creating the producer, as the stage creates its own when materialized; disposal is not timed
        // for either (the stage completes its task before it disposes its producer).
        var watch = Stopwatch.StartNew();
        using var producer = KafkaProducer.CreateProducer(_settings!);
        long failed = 0;
        Action<DeliveryReport<Null, byte[]>> onReport = report =>
        {
            if (report.Error.IsError)
            {
                Interlocked.Increment(ref failed);
            }
        };

        foreach (var message in _messages)
        {
            while (true)
            {
                try
                {
                    producer.Produce(RawTopic, message, onReport);
                    break;
                }
                catch (ProduceException<Null, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    Thread.Yield();
                }
            }
        }

        var left = producer.Flush(TimeSpan.FromMinutes(2));
        watch.Stop();
        if (left > 0 || Interlocked.Read(ref failed) > 0)
        {
            throw new InvalidOperationException($"Raw producer: {left} not flushed, {failed} failed.");
        }

        return Task.FromResult(new Measurement(_messages.Length, watch.Elapsed));
    }

    /// <inheritdoc />
    public async Task<Measurement> RunStageAsync(BenchContext context, int round)
    {
        var watch = Stopwatch.StartNew();
        await Source.From(_records).RunWith(KafkaProducer.PlainSink(_settings!), context.Materializer);
        watch.Stop();
        return new Measurement(_records.Length, watch.Elapsed);
    }
}
