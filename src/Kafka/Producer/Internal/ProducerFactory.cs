using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>INTERNAL API. Builds Confluent producers from <see cref="ProducerSettings{TKey, TValue}"/>.</summary>
internal static class ProducerFactory
{
    public static IProducer<TKey, TValue> Create<TKey, TValue>(
        ProducerSettings<TKey, TValue> settings,
        string? transactionalId = null,
        Action<Error>? onError = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var builder = new ProducerBuilder<TKey, TValue>(settings.ToProducerConfig(transactionalId))
            .SetKeySerializer(settings.KeySerializer)
            .SetValueSerializer(settings.ValueSerializer);
        if (onError is not null)
        {
            builder.SetErrorHandler((_, error) => onError(error));
        }

        return builder.Build();
    }
}
