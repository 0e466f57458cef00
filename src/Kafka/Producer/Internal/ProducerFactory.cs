using ActorFlow.Kafka.Internal;
using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>INTERNAL API. Builds Confluent producers from <see cref="ProducerSettings{TKey, TValue}"/>.</summary>
internal static class ProducerFactory
{
    /// <summary>A producer whose librdkafka log and errors go to <paramref name="log"/> (standard error, rate-limited, when null).</summary>
    public static IProducer<TKey, TValue> Create<TKey, TValue>(
        ProducerSettings<TKey, TValue> settings,
        string? transactionalId = null,
        Action<Error>? onError = null,
        KafkaClientLog? log = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        log ??= KafkaClientLog.For(null);
        return new ProducerBuilder<TKey, TValue>(settings.ToProducerConfig(transactionalId))
            .SetKeySerializer(settings.KeySerializer)
            .SetValueSerializer(settings.ValueSerializer)
            .SetLogHandler(log.OnLog)
            .SetErrorHandler((client, error) =>
            {
                log.OnError(client, error);
                onError?.Invoke(error);
            })
            .Build();
    }

    /// <summary>
    /// Makes a producer of <paramref name="config"/> and closes it at once: librdkafka (and Confluent.Kafka, for its
    /// <c>dotnet.producer.*</c> properties) check every property when a client is made, and throw naming the one they
    /// refuse. Nothing is produced.
    /// </summary>
    public static void Check(ProducerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        using var producer = new ProducerBuilder<byte[], byte[]>(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
    }
}
