using System.Collections.Immutable;
using Akka.Actor;
using Confluent.Kafka;
using Config = Akka.Configuration.Config;

namespace ActorFlow.Kafka.Settings;

/// <summary>
/// Immutable settings of a Kafka producer stage. Create them from HOCON (<c>actorflow.kafka.producer</c>), or in one line
/// with <see cref="Create(ActorSystem, string)"/>, and change them with the <c>With*</c> methods, which validate their
/// argument and return a copy. Properties are handed to Confluent.Kafka unchanged.
/// </summary>
public sealed record ProducerSettings<TKey, TValue> : KafkaClientSettings<ProducerSettings<TKey, TValue>>
{
    private ProducerSettings(
        ISerializer<TKey> keySerializer,
        ISerializer<TValue> valueSerializer,
        ImmutableDictionary<string, string> properties,
        int parallelism,
        TimeSpan flushTimeout,
        TimeSpan deliveryTimeout,
        TimeSpan transactionTimeout)
        : base(properties)
    {
        KeySerializer = keySerializer;
        ValueSerializer = valueSerializer;
        Parallelism = parallelism;
        FlushTimeout = flushTimeout;
        DeliveryTimeout = deliveryTimeout;
        TransactionTimeout = transactionTimeout;
    }

    /// <summary>Turns <typeparamref name="TKey"/> into bytes. Default: Confluent's built-in serializer for the type.</summary>
    public ISerializer<TKey> KeySerializer
    {
        get;
        private init => field = SettingsGuard.NotNull(value, "key-serializer");
    }

    /// <summary>Turns <typeparamref name="TValue"/> into bytes. Default: Confluent's built-in serializer for the type.</summary>
    public ISerializer<TValue> ValueSerializer
    {
        get;
        private init => field = SettingsGuard.NotNull(value, "value-serializer");
    }

    /// <summary>Messages in flight awaiting their delivery report; the back-pressure bound (HOCON <c>parallelism</c>). At least 1; default 10000.</summary>
    public int Parallelism
    {
        get;
        private init => field = SettingsGuard.AtLeastOne(value, "parallelism");
    }

    /// <summary>
    /// Time allowed to flush outstanding messages when the stage stops (HOCON <c>flush-timeout</c>); it also bounds each
    /// publish of the exactly-once sink and its read of each partition's last record. Positive; default 30 s.
    /// </summary>
    public TimeSpan FlushTimeout
    {
        get;
        private init => field = SettingsGuard.Positive(value, "flush-timeout");
    }

    /// <summary>
    /// A message without a delivery report for this long fails the stage (HOCON <c>delivery-timeout</c>; becomes librdkafka's
    /// <c>message.timeout.ms</c> unless that property or its alias <c>delivery.timeout.ms</c> is set). Positive; default 30 s.
    /// </summary>
    public TimeSpan DeliveryTimeout
    {
        get;
        private init => field = SettingsGuard.Positive(value, "delivery-timeout");
    }

    /// <summary>Time allowed for InitTransactions, CommitTransaction and AbortTransaction (HOCON <c>transaction-timeout</c>). Positive; default 30 s.</summary>
    public TimeSpan TransactionTimeout
    {
        get;
        private init => field = SettingsGuard.Positive(value, "transaction-timeout");
    }

    /// <summary>
    /// Settings from <paramref name="system"/>'s <c>actorflow.kafka.producer</c> section (with the shipped defaults); a null
    /// serializer means Confluent's built-in one for the type.
    /// </summary>
    public static ProducerSettings<TKey, TValue> Create(ActorSystem system, ISerializer<TKey>? keySerializer, ISerializer<TValue>? valueSerializer)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(system.Settings.Config, keySerializer, valueSerializer);
    }

    /// <summary>
    /// Settings from <paramref name="system"/>'s configuration with Confluent's built-in serializers and
    /// <c>bootstrap.servers</c> set to <paramref name="bootstrapServers"/> (<c>host:port</c>, comma-separated).
    /// </summary>
    public static ProducerSettings<TKey, TValue> Create(ActorSystem system, string bootstrapServers) =>
        Create(system, null, null).WithBootstrapServers(bootstrapServers);

    /// <summary>
    /// Settings from the <c>actorflow.kafka.producer</c> section of <paramref name="config"/> (with the shipped defaults); a
    /// null serializer means Confluent's built-in one for the type. Values are checked as by the <c>With*</c> methods.
    /// </summary>
    public static ProducerSettings<TKey, TValue> Create(Config config, ISerializer<TKey>? keySerializer, ISerializer<TValue>? valueSerializer)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = KafkaClientProperties.Load(config, KafkaDefaults.ProducerPath);
        return SettingsGuard.FromSection(KafkaDefaults.ProducerPath, () => new ProducerSettings<TKey, TValue>(
            keySerializer ?? DefaultSerdes.Serializer<TKey>(),
            valueSerializer ?? DefaultSerdes.Serializer<TValue>(),
            KafkaClientProperties.From(section),
            SettingsGuard.Hocon(section, "parallelism", static (c, k) => c.GetInt(k)),
            SettingsGuard.Hocon(section, "flush-timeout", static (c, k) => c.GetTimeSpan(k)),
            SettingsGuard.Hocon(section, "delivery-timeout", static (c, k) => c.GetTimeSpan(k)),
            SettingsGuard.Hocon(section, "transaction-timeout", static (c, k) => c.GetTimeSpan(k))));
    }

    /// <summary>Sets the key serializer; not null.</summary>
    public ProducerSettings<TKey, TValue> WithKeySerializer(ISerializer<TKey> serializer) => this with { KeySerializer = serializer };

    /// <summary>Sets the value serializer; not null.</summary>
    public ProducerSettings<TKey, TValue> WithValueSerializer(ISerializer<TValue> serializer) => this with { ValueSerializer = serializer };

    /// <summary>Sets <see cref="Parallelism"/>, how many messages may await their delivery report at once; at least 1.</summary>
    public ProducerSettings<TKey, TValue> WithParallelism(int parallelism) => this with { Parallelism = parallelism };

    /// <summary>Sets <see cref="FlushTimeout"/>; positive.</summary>
    public ProducerSettings<TKey, TValue> WithFlushTimeout(TimeSpan timeout) => this with { FlushTimeout = timeout };

    /// <summary>Sets <see cref="DeliveryTimeout"/>; positive.</summary>
    public ProducerSettings<TKey, TValue> WithDeliveryTimeout(TimeSpan timeout) => this with { DeliveryTimeout = timeout };

    /// <summary>Sets <see cref="TransactionTimeout"/>; positive.</summary>
    public ProducerSettings<TKey, TValue> WithTransactionTimeout(TimeSpan timeout) => this with { TransactionTimeout = timeout };

    /// <summary>Builds the Confluent configuration, validating that the required properties are present.</summary>
    internal ProducerConfig ToProducerConfig(string? transactionalId = null)
    {
        KafkaClientProperties.RequireBootstrapServers(Properties, "The producer settings");
        var config = new ProducerConfig(Properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        if (!Properties.ContainsKey("message.timeout.ms") && !Properties.ContainsKey("delivery.timeout.ms"))
        {
            // delivery.timeout.ms (the Java client's name) is librdkafka's alias of message.timeout.ms: either one a user sets wins.
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
