using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Confluent.Kafka;
using Config = Akka.Configuration.Config;

namespace ActorFlow.Kafka.Settings;

/// <summary>
/// Immutable settings of a Kafka producer stage. Create them from HOCON (<c>actorflow.kafka.producer</c>) and change
/// them with the <c>With*</c> methods, which return a copy. Properties are handed to Confluent.Kafka unchanged.
/// </summary>
public sealed record ProducerSettings<TKey, TValue>
{
    private ProducerSettings(
        ISerializer<TKey> keySerializer,
        ISerializer<TValue> valueSerializer,
        ImmutableDictionary<string, string> properties,
        int parallelism,
        TimeSpan flushTimeout,
        TimeSpan deliveryTimeout,
        TimeSpan transactionTimeout)
    {
        KeySerializer = keySerializer;
        ValueSerializer = valueSerializer;
        Properties = properties;
        Parallelism = parallelism;
        FlushTimeout = flushTimeout;
        DeliveryTimeout = deliveryTimeout;
        TransactionTimeout = transactionTimeout;
    }

    /// <summary>Turns <typeparamref name="TKey"/> into bytes.</summary>
    public ISerializer<TKey> KeySerializer { get; init; }

    /// <summary>Turns <typeparamref name="TValue"/> into bytes.</summary>
    public ISerializer<TValue> ValueSerializer { get; init; }

    /// <summary>librdkafka properties (for example <c>bootstrap.servers</c>, <c>linger.ms</c>).</summary>
    public ImmutableDictionary<string, string> Properties { get; init; }

    /// <summary>Messages in flight awaiting their delivery report; the back-pressure bound. Default 10000.</summary>
    public int Parallelism { get; init; }

    /// <summary>Time allowed to flush outstanding messages when the stage stops. Default 30 s.</summary>
    public TimeSpan FlushTimeout { get; init; }

    /// <summary>A message without a delivery report for this long fails the stage (librdkafka's message.timeout.ms). Default 30 s.</summary>
    public TimeSpan DeliveryTimeout { get; init; }

    /// <summary>Time allowed for init/commit/abort of a transaction. Default 30 s.</summary>
    public TimeSpan TransactionTimeout { get; init; }

    /// <summary>The <c>bootstrap.servers</c> property, or null.</summary>
    public string? BootstrapServers => Properties.GetValueOrDefault("bootstrap.servers");

    /// <summary>Settings from <paramref name="system"/>'s <c>actorflow.kafka.producer</c> section (with the shipped defaults).</summary>
    public static ProducerSettings<TKey, TValue> Create(ActorSystem system, ISerializer<TKey>? keySerializer, ISerializer<TValue>? valueSerializer)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(system.Settings.Config, keySerializer, valueSerializer);
    }

    /// <summary>Settings from the <c>actorflow.kafka.producer</c> section of <paramref name="config"/> (with the shipped defaults).</summary>
    public static ProducerSettings<TKey, TValue> Create(Config config, ISerializer<TKey>? keySerializer, ISerializer<TValue>? valueSerializer)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = KafkaClientProperties.Load(config, "actorflow.kafka.producer");
        return new ProducerSettings<TKey, TValue>(
            keySerializer ?? DefaultSerdes.Serializer<TKey>(),
            valueSerializer ?? DefaultSerdes.Serializer<TValue>(),
            KafkaClientProperties.From(section),
            section.GetInt("parallelism"),
            section.GetTimeSpan("flush-timeout"),
            section.GetTimeSpan("delivery-timeout"),
            section.GetTimeSpan("transaction-timeout"));
    }

    /// <summary>Sets <c>bootstrap.servers</c>.</summary>
    public ProducerSettings<TKey, TValue> WithBootstrapServers(string servers) => WithProperty("bootstrap.servers", servers);

    /// <summary>Sets one librdkafka property.</summary>
    public ProducerSettings<TKey, TValue> WithProperty(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        return this with { Properties = Properties.SetItem(key, value) };
    }

    /// <summary>Sets how many messages may await their delivery report at once.</summary>
    public ProducerSettings<TKey, TValue> WithParallelism(int parallelism) =>
        parallelism >= 1 ? this with { Parallelism = parallelism } : throw new ArgumentOutOfRangeException(nameof(parallelism), parallelism, "Must be at least 1.");

    /// <summary>Sets the delivery timeout.</summary>
    public ProducerSettings<TKey, TValue> WithDeliveryTimeout(TimeSpan timeout) =>
        timeout > TimeSpan.Zero ? this with { DeliveryTimeout = timeout } : throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "Must be positive.");

    /// <summary>Builds the Confluent configuration, validating that the required properties are present.</summary>
    internal ProducerConfig ToProducerConfig(string? transactionalId = null)
    {
        KafkaClientProperties.RequireBootstrapServers(Properties, "The producer settings");
        var config = new ProducerConfig(Properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        if (!Properties.ContainsKey("message.timeout.ms"))
        {
            config.MessageTimeoutMs = (int)DeliveryTimeout.TotalMilliseconds;
        }

        if (transactionalId is not null)
        {
            config.TransactionalId = transactionalId;
            config.EnableIdempotence = true;
            if (!Properties.ContainsKey("transaction.timeout.ms"))
            {
                config.TransactionTimeoutMs = Math.Max(60_000, (int)TransactionTimeout.TotalMilliseconds);
            }
        }

        return config;
    }
}
