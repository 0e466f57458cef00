using ActorFlow.Persistence.Config;
using ActorFlow.Persistence.Snapshots;
using ActorFlow.Tests.ConfigAudit;
using Akka.Actor;
using Akka.Configuration;

namespace ActorFlow.Persistence.Tests.Config;

public sealed class PersistenceConfigSpec
{
    private static readonly Akka.Configuration.Config Defaults = ActorFlowPersistence.DefaultConfiguration;

    /// <summary>Every key under <c>actorflow.persistence</c> and the class that reads it.</summary>
    private static IEnumerable<ConfigKey> Keys =>
    [
        StateStore("provider", s => s.Provider, nameof(StateStoreSettings.Provider)) with { Changed = "postgresql" },
        StateStore("connection-string", s => s.ConnectionString, nameof(StateStoreSettings.ConnectionString)),
        StateStore("data-directory", s => s.DataDirectory, nameof(StateStoreSettings.DataDirectory)),
        StateStore("sqlite-file-name", s => s.SqliteFileName, nameof(StateStoreSettings.SqliteFileName)),
        StateStore("auto-initialize", s => s.AutoInitialize, nameof(StateStoreSettings.AutoInitialize)),
        Checkpoints("table-name", s => s.TableName, nameof(CheckpointSettings.TableName)),
        Checkpoints("retained", s => s.Retained, nameof(CheckpointSettings.Retained)),
        new("actorflow.persistence.key-groups.max-parallelism", MaxParallelism)
        {
            Documented = (typeof(ActorFlowPersistence), nameof(ActorFlowPersistence.MaxParallelism)),
        },
    ];

    /// <summary>Verify that every key of reference.conf under actorflow.persistence is read by a settings class (or the extension), and only those.</summary>
    [Fact]
    public void Every_actorflow_persistence_key_is_read_by_a_settings_class() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.UnreadKeys(Defaults, "actorflow.persistence", Keys));

    /// <summary>Verify that each settings property created from the defaults equals its reference.conf value.</summary>
    [Fact]
    public void Every_settings_property_equals_its_reference_conf_default() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.WrongDefaults(Defaults, Keys));

    /// <summary>Verify that each settings property follows its key when the key is changed (the key is really read).</summary>
    [Fact]
    public void Every_settings_property_follows_its_key() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.IgnoredKeys(Defaults, Keys));

    /// <summary>Verify that the default each settings property's doc comment states is the reference.conf value.</summary>
    [Fact]
    public void Every_settings_doc_comment_states_the_reference_conf_default() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.WrongDocumentedDefaults(Defaults, Keys));

    [Fact(DisplayName = "Default actorflow.persistence HOCON config should contain default values")]
    public void Reference_conf_holds_every_default()
    {
        var c = Defaults.GetConfig("actorflow.persistence");
        Assert.Equal("sqlite", c.GetString("state-store.provider"));
        Assert.Equal(string.Empty, c.GetString("state-store.connection-string"));
        Assert.Equal("data", c.GetString("state-store.data-directory"));
        Assert.Equal("actorflow-state.db", c.GetString("state-store.sqlite-file-name"));
        Assert.True(c.GetBoolean("state-store.auto-initialize"));
        Assert.Equal("actorflow_checkpoints", c.GetString("checkpoints.table-name"));
        Assert.Equal(3, c.GetInt("checkpoints.retained"));
        Assert.Equal(128, c.GetInt("key-groups.max-parallelism"));
        // Circuit breakers of the key-group journal and snapshot store: effectively off (reference.conf says why).
        Assert.Equal(1_000_000, Defaults.GetInt("akka.persistence.journal.sql.circuit-breaker.max-failures"));
        Assert.Equal(TimeSpan.FromSeconds(10), Defaults.GetTimeSpan("akka.persistence.journal.sql.circuit-breaker.call-timeout"));
        Assert.Equal(TimeSpan.FromSeconds(1), Defaults.GetTimeSpan("akka.persistence.journal.sql.circuit-breaker.reset-timeout"));
        Assert.Equal(1_000_000, Defaults.GetInt("akka.persistence.snapshot-store.sql.circuit-breaker.max-failures"));
        Assert.Equal(TimeSpan.FromSeconds(20), Defaults.GetTimeSpan("akka.persistence.snapshot-store.sql.circuit-breaker.call-timeout"));
        Assert.Equal(TimeSpan.FromSeconds(1), Defaults.GetTimeSpan("akka.persistence.snapshot-store.sql.circuit-breaker.reset-timeout"));
        Assert.Equal(
            "ActorFlow.Persistence.Snapshots.PersistenceMessageSerializer, ActorFlow.Persistence",
            Defaults.GetString("akka.actor.serializers.actorflow-persistence"));
        Assert.Equal(
            "actorflow-persistence",
            Defaults.GetConfig("akka.actor.serialization-bindings")
                .GetString("\"ActorFlow.Persistence.Snapshots.KeyGroupSnapshot, ActorFlow.Persistence\""));
    }

    [Fact(DisplayName = "Typed settings read from an empty config equal the reference.conf defaults")]
    public void Typed_defaults_match_reference_conf()
    {
        var store = StateStoreSettings.Create(ConfigurationFactory.Empty);
        Assert.Equal(StateStoreProvider.Sqlite, store.Provider);
        Assert.Equal(string.Empty, store.ConnectionString);
        Assert.Equal("data", store.DataDirectory);
        Assert.Equal("actorflow-state.db", store.SqliteFileName);
        Assert.True(store.AutoInitialize);
        Assert.Equal("SQLite.MS", store.ProviderName);
        Assert.Equal(Path.GetFullPath("data/actorflow-state.db"), store.SqliteFilePath);
        var checkpoints = CheckpointSettings.Create(ConfigurationFactory.Empty);
        Assert.Equal("actorflow_checkpoints", checkpoints.TableName);
        Assert.Equal(3, checkpoints.Retained);
    }

    /// <summary>Verify that the extension injects the defaults and registers the snapshot serializer.</summary>
    [Fact]
    public void Extension_injects_defaults_and_serializer()
    {
        using var system = Akka.Actor.ActorSystem.Create("ext", "akka.loglevel = WARNING");
        var ext = ActorFlowPersistence.Get(system);
        Assert.Equal(128, ext.MaxParallelism);
        Assert.Equal(3, ext.Checkpoints.Retained);
        Assert.Equal("sqlite", system.Settings.Config.GetString("actorflow.persistence.state-store.provider"));
        var snapshot = new KeyGroupSnapshot(1, 2, [3]);
        Assert.IsType<PersistenceMessageSerializer>(system.Serialization.FindSerializerFor(snapshot));
        Assert.IsType<PersistenceMessageSerializer>(system.Serialization.FindSerializerFor(new CheckpointMarker(1)));
    }

    /// <summary>Verify that invalid values are rejected with the key named.</summary>
    [Fact]
    public void Invalid_values_are_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => StateStoreSettings.Create(
            ConfigurationFactory.ParseString("actorflow.persistence.state-store.provider = oracle")));
        Assert.Contains("provider", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CheckpointSettings.Create(ConfigurationFactory.Empty).WithTableName("x; DROP TABLE y"));
        Assert.Throws<ArgumentOutOfRangeException>(() => CheckpointSettings.Create(ConfigurationFactory.Empty).WithRetained(0));
        using var system = Akka.Actor.ActorSystem.Create("bad", "actorflow.persistence.key-groups.max-parallelism = 0");
        Assert.ThrowsAny<Exception>(() => ActorFlowPersistence.Get(system));
    }

    private static ConfigKey StateStore(string key, Func<StateStoreSettings, object> property, string name) =>
        new($"{StateStoreSettings.ConfigPath}.{key}", c => property(StateStoreSettings.Create(c))) { Documented = (typeof(StateStoreSettings), name) };

    private static ConfigKey Checkpoints(string key, Func<CheckpointSettings, object> property, string name) =>
        new($"{CheckpointSettings.ConfigPath}.{key}", c => property(CheckpointSettings.Create(c))) { Documented = (typeof(CheckpointSettings), name) };

    /// <summary>The key-group count is read by the extension when it starts with the system.</summary>
    private static object MaxParallelism(Akka.Configuration.Config config)
    {
        using var system = ActorSystem.Create("config-spec", config.WithFallback(ConfigurationFactory.ParseString("akka.loglevel = WARNING")));
        return ActorFlowPersistence.Get(system).MaxParallelism;
    }
}
