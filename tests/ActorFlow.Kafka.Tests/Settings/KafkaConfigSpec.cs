using ActorFlow.Kafka.Settings;
using ActorFlow.Tests.ConfigAudit;
using Akka.Configuration;

namespace ActorFlow.Kafka.Tests.Settings;

/// <summary>
/// The embedded reference.conf against the settings classes that read it: every key under <c>actorflow.kafka</c> is read
/// by <see cref="ConsumerSettings{TKey, TValue}"/>, <see cref="ProducerSettings{TKey, TValue}"/> or
/// <see cref="CommitterSettings"/>, and the defaults in reference.conf, in the settings and in their doc comments agree.
/// </summary>
public sealed class KafkaConfigSpec
{
    private const string Root = "actorflow.kafka";

    private static readonly Config Reference = KafkaDefaults.Config;

    private static IEnumerable<ConfigKey> Keys =>
    [
        Consumer("poll-timeout", s => s.PollTimeout, nameof(ConsumerSettings<string, string>.PollTimeout)),
        Consumer("max-batch", s => s.MaxBatch, nameof(ConsumerSettings<string, string>.MaxBatch)),
        Consumer("connection-timeout", s => s.ConnectionTimeout, nameof(ConsumerSettings<string, string>.ConnectionTimeout)),
        Consumer("stop-timeout", s => s.StopTimeout, nameof(ConsumerSettings<string, string>.StopTimeout)),
        Consumer("commit-timeout", s => s.CommitTimeout, nameof(ConsumerSettings<string, string>.CommitTimeout)),
        .. ClientProperties(KafkaDefaults.ConsumerPath, c => ConsumerSettings<string, string>.Create(c, null, null).Properties),
        Producer("parallelism", s => s.Parallelism, nameof(ProducerSettings<string, string>.Parallelism)),
        Producer("flush-timeout", s => s.FlushTimeout, nameof(ProducerSettings<string, string>.FlushTimeout)),
        Producer("delivery-timeout", s => s.DeliveryTimeout, nameof(ProducerSettings<string, string>.DeliveryTimeout)),
        Producer("transaction-timeout", s => s.TransactionTimeout, nameof(ProducerSettings<string, string>.TransactionTimeout)),
        .. ClientProperties(KafkaDefaults.ProducerPath, c => ProducerSettings<string, string>.Create(c, null, null).Properties),
        Committer("max-batch", s => s.MaxBatch, nameof(CommitterSettings.MaxBatch)),
        Committer("max-interval", s => s.MaxInterval, nameof(CommitterSettings.MaxInterval)),
        Committer("parallelism", s => s.Parallelism, nameof(CommitterSettings.Parallelism)),
    ];

    /// <summary>Verify that the settings read every key of reference.conf under actorflow.kafka, and only those.</summary>
    [Fact]
    public void A_Kafka_reference_conf_must_have_every_key_read_by_a_settings_class() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.UnreadKeys(Reference, Root, Keys));

    /// <summary>Verify that each settings property created from the defaults equals its reference.conf value.</summary>
    [Fact]
    public void A_Kafka_settings_property_must_equal_its_reference_conf_default() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.WrongDefaults(Reference, Keys));

    /// <summary>Verify that each settings property follows its key when the key is changed (the key is really read).</summary>
    [Fact]
    public void A_Kafka_settings_property_must_follow_its_key() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.IgnoredKeys(Reference, Keys));

    /// <summary>Verify that the default each settings property's doc comment states is the reference.conf value.</summary>
    [Fact]
    public void A_Kafka_settings_doc_comment_must_state_the_reference_conf_default() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.WrongDocumentedDefaults(Reference, Keys));

    private static ConfigKey Consumer(string key, Func<ConsumerSettings<string, string>, object> property, string name) =>
        new($"{KafkaDefaults.ConsumerPath}.{key}", c => property(ConsumerSettings<string, string>.Create(c, null, null)))
        {
            Documented = (typeof(ConsumerSettings<,>), name),
        };

    private static ConfigKey Producer(string key, Func<ProducerSettings<string, string>, object> property, string name) =>
        new($"{KafkaDefaults.ProducerPath}.{key}", c => property(ProducerSettings<string, string>.Create(c, null, null)))
        {
            Documented = (typeof(ProducerSettings<,>), name),
        };

    private static ConfigKey Committer(string key, Func<CommitterSettings, object> property, string name) =>
        new($"{KafkaDefaults.CommitterPath}.{key}", c => property(CommitterSettings.Create(c))) { Documented = (typeof(CommitterSettings), name) };

    /// <summary>Each key of the section's <c>kafka-clients</c> block, read as the librdkafka property of the same name.</summary>
    private static IEnumerable<ConfigKey> ClientProperties(string section, Func<Config, IReadOnlyDictionary<string, string>> properties)
    {
        var prefix = section + ".kafka-clients.";
        return ReferenceConfAudit.LeafPaths(Reference, section + ".kafka-clients")
            .Select(path => new ConfigKey(path, c => properties(c).GetValueOrDefault(path[prefix.Length..])));
    }
}
