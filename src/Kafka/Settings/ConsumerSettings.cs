using System.Collections.Immutable;
using Akka.Actor;
using Confluent.Kafka;
using Config = Akka.Configuration.Config;

namespace ActorFlow.Kafka.Settings;

/// <summary>
/// Immutable settings of a Kafka consumer stage. Create them from HOCON (<c>actorflow.kafka.consumer</c>), or in one line
/// with <see cref="Create(ActorSystem, string)"/>, and change them with the <c>With*</c> methods, which validate their
/// argument and return a copy. Properties are handed to Confluent.Kafka unchanged.
/// </summary>
public sealed record ConsumerSettings<TKey, TValue> : KafkaClientSettings<ConsumerSettings<TKey, TValue>>
{
    private ConsumerSettings(
        IDeserializer<TKey> keyDeserializer,
        IDeserializer<TValue> valueDeserializer,
        ImmutableDictionary<string, string> properties,
        TimeSpan pollTimeout,
        int maxBatch,
        TimeSpan connectionTimeout,
        TimeSpan stopTimeout,
        TimeSpan commitTimeout)
        : base(properties)
    {
        KeyDeserializer = keyDeserializer;
        ValueDeserializer = valueDeserializer;
        PollTimeout = pollTimeout;
        MaxBatch = maxBatch;
        ConnectionTimeout = connectionTimeout;
        StopTimeout = stopTimeout;
        CommitTimeout = commitTimeout;
    }

    /// <summary>Turns key bytes into <typeparamref name="TKey"/>. Default: Confluent's built-in deserializer for the type.</summary>
    public IDeserializer<TKey> KeyDeserializer
    {
        get;
        private init => field = SettingsGuard.NotNull(value, "key-deserializer");
    }

    /// <summary>Turns value bytes into <typeparamref name="TValue"/>. Default: Confluent's built-in deserializer for the type.</summary>
    public IDeserializer<TValue> ValueDeserializer
    {
        get;
        private init => field = SettingsGuard.NotNull(value, "value-deserializer");
    }

    /// <summary>Longest time one poll blocks before the stage looks at its commands again (HOCON <c>poll-timeout</c>). Positive; default 50 ms.</summary>
    public TimeSpan PollTimeout
    {
        get;
        private init => field = SettingsGuard.Positive(value, "poll-timeout");
    }

    /// <summary>Most records taken from the client per poll burst, and most records in one partition chunk (HOCON <c>max-batch</c>). At least 1; default 1000.</summary>
    public int MaxBatch
    {
        get;
        private init => field = SettingsGuard.AtLeastOne(value, "max-batch");
    }

    /// <summary>
    /// A source that cannot reach any broker for this long fails, naming <c>bootstrap.servers</c> and the broker's error; a
    /// job's start waits at most this long for the first contact (HOCON <c>connection-timeout</c>). Positive; default 30 s.
    /// </summary>
    public TimeSpan ConnectionTimeout
    {
        get;
        private init => field = SettingsGuard.Positive(value, "connection-timeout");
    }

    /// <summary>
    /// Time allowed for <c>IControl.StopAsync</c> to stop the stage (HOCON <c>stop-timeout</c>); <c>DrainAndShutdownAsync</c>
    /// waits for the stream however long it takes, as Akka.Streams.Kafka's. Positive; default 30 s.
    /// </summary>
    public TimeSpan StopTimeout
    {
        get;
        private init => field = SettingsGuard.Positive(value, "stop-timeout");
    }

    /// <summary>
    /// Time a commit's caller waits for the group coordinator's answer (HOCON <c>commit-timeout</c>); a commit not
    /// answered by then fails with a <see cref="TimeoutException"/> (it may still land later). Positive; default 15 s.
    /// </summary>
    public TimeSpan CommitTimeout
    {
        get;
        private init => field = SettingsGuard.Positive(value, "commit-timeout");
    }

    /// <summary>The <c>group.id</c> property, or null (no default: subscribing and committing need one).</summary>
    public string? GroupId => Properties.GetValueOrDefault("group.id");

    /// <summary>
    /// Settings from <paramref name="system"/>'s <c>actorflow.kafka.consumer</c> section (with the shipped defaults); a null
    /// deserializer means Confluent's built-in one for the type.
    /// </summary>
    public static ConsumerSettings<TKey, TValue> Create(ActorSystem system, IDeserializer<TKey>? keyDeserializer, IDeserializer<TValue>? valueDeserializer)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(system.Settings.Config, keyDeserializer, valueDeserializer);
    }

    /// <summary>
    /// Settings from <paramref name="system"/>'s configuration with Confluent's built-in deserializers and
    /// <c>bootstrap.servers</c> set to <paramref name="bootstrapServers"/> (<c>host:port</c>, comma-separated).
    /// </summary>
    public static ConsumerSettings<TKey, TValue> Create(ActorSystem system, string bootstrapServers) =>
        Create(system, null, null).WithBootstrapServers(bootstrapServers);

    /// <summary>
    /// Settings from the <c>actorflow.kafka.consumer</c> section of <paramref name="config"/> (with the shipped defaults); a
    /// null deserializer means Confluent's built-in one for the type. Values are checked as by the <c>With*</c> methods.
    /// </summary>
    public static ConsumerSettings<TKey, TValue> Create(Config config, IDeserializer<TKey>? keyDeserializer, IDeserializer<TValue>? valueDeserializer)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = KafkaClientProperties.Load(config, KafkaDefaults.ConsumerPath);
        return SettingsGuard.FromSection(KafkaDefaults.ConsumerPath, () => new ConsumerSettings<TKey, TValue>(
            keyDeserializer ?? DefaultSerdes.Deserializer<TKey>(),
            valueDeserializer ?? DefaultSerdes.Deserializer<TValue>(),
            KafkaClientProperties.From(section),
            SettingsGuard.Hocon(section, "poll-timeout", static (c, k) => c.GetTimeSpan(k)),
            SettingsGuard.Hocon(section, "max-batch", static (c, k) => c.GetInt(k)),
            SettingsGuard.Hocon(section, "connection-timeout", static (c, k) => c.GetTimeSpan(k)),
            SettingsGuard.Hocon(section, "stop-timeout", static (c, k) => c.GetTimeSpan(k)),
            SettingsGuard.Hocon(section, "commit-timeout", static (c, k) => c.GetTimeSpan(k))));
    }

    /// <summary>Sets <c>group.id</c>, the consumer group that subscriptions join and commits go to; not empty.</summary>
    public ConsumerSettings<TKey, TValue> WithGroupId(string groupId) => WithProperty("group.id", SettingsGuard.NotBlank(groupId, "group.id"));

    /// <summary>Sets the key deserializer; not null.</summary>
    public ConsumerSettings<TKey, TValue> WithKeyDeserializer(IDeserializer<TKey> deserializer) => this with { KeyDeserializer = deserializer };

    /// <summary>Sets the value deserializer; not null.</summary>
    public ConsumerSettings<TKey, TValue> WithValueDeserializer(IDeserializer<TValue> deserializer) => this with { ValueDeserializer = deserializer };

    /// <summary>Sets <see cref="PollTimeout"/>; positive.</summary>
    public ConsumerSettings<TKey, TValue> WithPollTimeout(TimeSpan timeout) => this with { PollTimeout = timeout };

    /// <summary>Sets <see cref="MaxBatch"/>; at least 1.</summary>
    public ConsumerSettings<TKey, TValue> WithMaxBatch(int maxBatch) => this with { MaxBatch = maxBatch };

    /// <summary>Sets <see cref="ConnectionTimeout"/>, after which an unreachable broker fails the stage; positive.</summary>
    public ConsumerSettings<TKey, TValue> WithConnectionTimeout(TimeSpan timeout) => this with { ConnectionTimeout = timeout };

    /// <summary>Sets <see cref="StopTimeout"/>; positive.</summary>
    public ConsumerSettings<TKey, TValue> WithStopTimeout(TimeSpan timeout) => this with { StopTimeout = timeout };

    /// <summary>Sets <see cref="CommitTimeout"/>; positive.</summary>
    public ConsumerSettings<TKey, TValue> WithCommitTimeout(TimeSpan timeout) => this with { CommitTimeout = timeout };

    /// <summary>Builds the Confluent configuration, validating that the required properties are present.</summary>
    internal ConsumerConfig ToConsumerConfig(bool needsGroup)
    {
        KafkaClientProperties.RequireBootstrapServers(Properties, "The consumer settings");
        var config = new ConsumerConfig(Properties.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal));
        if (needsGroup && string.IsNullOrWhiteSpace(config.GroupId))
        {
            throw new InvalidOperationException("Subscribing to topics and committing offsets need a group.id: use WithGroupId(...).");
        }

        if (string.IsNullOrWhiteSpace(config.GroupId))
        {
            // librdkafka requires a group id even for manual assignment; it is not used for commits then.
            config.GroupId = "actorflow-" + Guid.NewGuid().ToString("N");
        }

        return config;
    }
}
