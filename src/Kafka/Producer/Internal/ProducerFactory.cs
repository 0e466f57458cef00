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
}
