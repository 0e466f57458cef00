using System.Collections.Immutable;

namespace ActorFlow.Kafka.Settings;

/// <summary>
/// The part that <see cref="ConsumerSettings{TKey, TValue}"/> and <see cref="ProducerSettings{TKey, TValue}"/> share: the
/// librdkafka property bag (HOCON <c>kafka-clients</c>), handed to Confluent.Kafka unchanged. Every <c>With*</c> method
/// validates its argument and returns a copy; an instance never changes.
/// </summary>
/// <typeparam name="TSelf">The settings type the <c>With*</c> methods return.</typeparam>
public abstract record KafkaClientSettings<TSelf>
    where TSelf : KafkaClientSettings<TSelf>
{
    private protected KafkaClientSettings(ImmutableDictionary<string, string> properties)
    {
        Properties = properties;
    }

    /// <summary>
    /// librdkafka properties (for example <c>bootstrap.servers</c>, <c>group.id</c>, <c>linger.ms</c>); the defaults are
    /// reference.conf's <c>kafka-clients</c> block. Keys are compared ordinally.
    /// </summary>
    public ImmutableDictionary<string, string> Properties { get; private init; }

    /// <summary>The <c>bootstrap.servers</c> property, or null (no default: the stage fails to build without it).</summary>
    public string? BootstrapServers => Properties.GetValueOrDefault("bootstrap.servers");

    /// <summary>Sets <c>bootstrap.servers</c>: a comma-separated list of <c>host:port</c> addresses, not empty.</summary>
    public TSelf WithBootstrapServers(string servers) => WithProperty("bootstrap.servers", SettingsGuard.NotBlank(servers, "bootstrap.servers"));

    /// <summary>Sets one librdkafka property; <paramref name="key"/> must not be empty and <paramref name="value"/> not null.</summary>
    public TSelf WithProperty(string key, string value)
    {
        SettingsGuard.NotBlank(key, "kafka-clients property name");
        SettingsGuard.NotNull(value, key);
        return (TSelf)(this with { Properties = Properties.SetItem(key, value) });
    }

    /// <summary>Sets several librdkafka properties at once, each checked as by <see cref="WithProperty"/>; later ones win.</summary>
    public TSelf WithProperties(IEnumerable<KeyValuePair<string, string>> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var builder = Properties.ToBuilder();
        foreach (var (key, value) in properties)
        {
            SettingsGuard.NotBlank(key, "kafka-clients property name");
            builder[key] = SettingsGuard.NotNull(value, key);
        }

        return (TSelf)(this with { Properties = builder.ToImmutable() });
    }
}
