using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Confluent.Kafka;
using Config = Akka.Configuration.Config;

namespace ActorFlow.Kafka.Settings;

/// <summary>
/// Immutable settings of a Kafka consumer stage. Create them from HOCON (<c>actorflow.kafka.consumer</c>) and change
/// them with the <c>With*</c> methods, which return a copy. Properties are handed to Confluent.Kafka unchanged.
/// </summary>
public sealed record ConsumerSettings<TKey, TValue>
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
    {
        KeyDeserializer = keyDeserializer;
        ValueDeserializer = valueDeserializer;
        Properties = properties;
        PollTimeout = pollTimeout;
        MaxBatch = maxBatch;
        ConnectionTimeout = connectionTimeout;
        StopTimeout = stopTimeout;
        CommitTimeout = commitTimeout;
    }

    /// <summary>Turns key bytes into <typeparamref name="TKey"/>.</summary>
    public IDeserializer<TKey> KeyDeserializer { get; init; }

    /// <summary>Turns value bytes into <typeparamref name="TValue"/>.</summary>
    public IDeserializer<TValue> ValueDeserializer { get; init; }

    /// <summary>librdkafka properties (for example <c>bootstrap.servers</c>, <c>group.id</c>).</summary>
    public ImmutableDictionary<string, string> Properties { get; init; }

    /// <summary>Longest time one poll blocks before the stage looks at its commands again. Default 50 ms.</summary>
    public TimeSpan PollTimeout { get; init; }

    /// <summary>Most records taken from the client per poll burst. Default 1000.</summary>
    public int MaxBatch { get; init; }

    /// <summary>A source that cannot reach any broker for this long fails with the broker's error. Default 30 s.</summary>
    public TimeSpan ConnectionTimeout { get; init; }

    /// <summary>Time allowed for a draining stop. Default 30 s.</summary>
    public TimeSpan StopTimeout { get; init; }

    /// <summary>Time allowed for one commit. Default 15 s.</summary>
    public TimeSpan CommitTimeout { get; init; }

    /// <summary>The <c>bootstrap.servers</c> property, or null.</summary>
    public string? BootstrapServers => Properties.GetValueOrDefault("bootstrap.servers");

    /// <summary>The <c>group.id</c> property, or null.</summary>
    public string? GroupId => Properties.GetValueOrDefault("group.id");

    /// <summary>Settings from <paramref name="system"/>'s <c>actorflow.kafka.consumer</c> section (with the shipped defaults).</summary>
    public static ConsumerSettings<TKey, TValue> Create(ActorSystem system, IDeserializer<TKey>? keyDeserializer, IDeserializer<TValue>? valueDeserializer)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(system.Settings.Config, keyDeserializer, valueDeserializer);
    }

    /// <summary>Settings from the <c>actorflow.kafka.consumer</c> section of <paramref name="config"/> (with the shipped defaults).</summary>
    public static ConsumerSettings<TKey, TValue> Create(Config config, IDeserializer<TKey>? keyDeserializer, IDeserializer<TValue>? valueDeserializer)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = KafkaClientProperties.Load(config, "actorflow.kafka.consumer");
        return new ConsumerSettings<TKey, TValue>(
            keyDeserializer ?? DefaultSerdes.Deserializer<TKey>(),
            valueDeserializer ?? DefaultSerdes.Deserializer<TValue>(),
            KafkaClientProperties.From(section),
            section.GetTimeSpan("poll-timeout"),
            section.GetInt("max-batch"),
            section.GetTimeSpan("connection-timeout"),
            section.GetTimeSpan("stop-timeout"),
            section.GetTimeSpan("commit-timeout"));
    }

    /// <summary>Sets <c>bootstrap.servers</c>.</summary>
    public ConsumerSettings<TKey, TValue> WithBootstrapServers(string servers) => WithProperty("bootstrap.servers", servers);

    /// <summary>Sets <c>group.id</c>.</summary>
    public ConsumerSettings<TKey, TValue> WithGroupId(string groupId) => WithProperty("group.id", groupId);

    /// <summary>Sets one librdkafka property.</summary>
    public ConsumerSettings<TKey, TValue> WithProperty(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        return this with { Properties = Properties.SetItem(key, value) };
    }

    /// <summary>Sets the poll timeout.</summary>
    public ConsumerSettings<TKey, TValue> WithPollTimeout(TimeSpan timeout) => this with { PollTimeout = Positive(timeout, nameof(timeout)) };

    /// <summary>Sets the connection timeout after which an unreachable broker fails the stage.</summary>
    public ConsumerSettings<TKey, TValue> WithConnectionTimeout(TimeSpan timeout) => this with { ConnectionTimeout = Positive(timeout, nameof(timeout)) };

    /// <summary>Sets the commit timeout.</summary>
    public ConsumerSettings<TKey, TValue> WithCommitTimeout(TimeSpan timeout) => this with { CommitTimeout = Positive(timeout, nameof(timeout)) };

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

        if (MaxBatch < 1)
        {
            throw new InvalidOperationException($"max-batch must be at least 1, was {MaxBatch}.");
        }

        return config;
    }

    private static TimeSpan Positive(TimeSpan value, string name) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(name, value, "Must be positive.");
}
