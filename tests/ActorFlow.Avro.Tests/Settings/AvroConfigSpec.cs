using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Settings;
using ActorFlow.Tests.ConfigAudit;
using ActorFlow.Tests.Shared;
using Akka.Configuration;

namespace ActorFlow.Avro.Tests.Settings;

public sealed class AvroConfigSpec
{
    private static readonly Config Defaults = AvroSettings.DefaultConfiguration;

    private static IEnumerable<ConfigKey> Keys =>
    [
        Key("registry.url", s => s.RegistryUrl, nameof(AvroSettings.RegistryUrl)) with { Changed = "\"http://127.0.0.1:1\"", Documented = null },
        Key("registry.request-timeout", s => s.RequestTimeout, nameof(AvroSettings.RequestTimeout)),
        Key("registry.basic-auth-user-info", s => s.RegistryCredentials?.UserInfo ?? "", nameof(AvroSettings.RegistryCredentials)) with { Changed = "\"key:se:cret\"", Documented = null },
        Key("registry.embedded.port", s => s.EmbeddedPort, nameof(AvroSettings.EmbeddedPort)),
        Key("registry.embedded.provider", s => s.EmbeddedProvider, nameof(AvroSettings.EmbeddedProvider)) with { Changed = "postgresql" },
        Key("registry.embedded.connection-string", s => s.EmbeddedConnectionString, nameof(AvroSettings.EmbeddedConnectionString)) with { Changed = "\"Data Source=other.db\"", Documented = null },
        Key("registry.embedded.default-compatibility", s => s.DefaultCompatibility, nameof(AvroSettings.DefaultCompatibility)) with { Changed = "FULL" },
        Key("serde.auto-register-schemas", s => s.AutoRegisterSchemas, nameof(AvroSettings.AutoRegisterSchemas)) with { Documented = null },
        Key("serde.subject-name-strategy", s => s.SubjectNameStrategy, nameof(AvroSettings.SubjectNameStrategy)) with { Changed = "record" },
        Key("serde.registry-retries", s => s.RegistryRetries, nameof(AvroSettings.RegistryRetries)),
        Key("serde.registry-retry-delay", s => s.RegistryRetryDelay, nameof(AvroSettings.RegistryRetryDelay)),
    ];

    /// <summary>Verify that every key of reference.conf under actorflow.avro is read by AvroSettings, and only those.</summary>
    [Fact]
    public void Every_actorflow_avro_key_is_read_by_the_settings() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.UnreadKeys(Defaults, AvroSettings.Path, Keys));

    /// <summary>Verify that each settings property created from the defaults equals its reference.conf value.</summary>
    [Fact]
    public void Every_settings_property_equals_its_reference_conf_default() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.WrongDefaults(Defaults, Keys));

    /// <summary>Verify that each settings property follows its key when the key is changed.</summary>
    [Fact]
    public void Every_settings_property_follows_its_key() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.IgnoredKeys(Defaults, Keys));

    /// <summary>Verify that the default each settings property's doc comment states is the reference.conf value.</summary>
    [Fact]
    public void Every_settings_doc_comment_states_the_reference_conf_default() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.WrongDocumentedDefaults(Defaults, Keys));

    [Fact(DisplayName = "Default actorflow.avro HOCON config should contain default values")]
    public void Reference_conf_holds_every_default()
    {
        var s = AvroSettings.Create(ConfigurationFactory.Empty);
        Assert.Equal(new AvroSettings(), s);
        Assert.Equal("", s.RegistryUrl);
        Assert.Equal(TimeSpan.FromSeconds(30), s.RequestTimeout);
        Assert.Equal(0, s.EmbeddedPort);
        Assert.Equal("", s.EmbeddedProvider);
        Assert.Equal("", s.EmbeddedConnectionString);
        Assert.Equal("BACKWARD", s.DefaultCompatibility);
        Assert.True(s.AutoRegisterSchemas);
        Assert.Equal("topic", s.SubjectNameStrategy);
        Assert.Equal(3, s.RegistryRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(200), s.RegistryRetryDelay);
        Assert.Equal(AvroSerdeOptions.Default with { }, s.ToSerdeOptions());
    }

    /// <summary>Verify that invalid values fail naming the key.</summary>
    [Theory]
    [InlineData("registry.embedded.provider = oracle", "provider")]
    [InlineData("serde.subject-name-strategy = random", "subject-name-strategy")]
    [InlineData("registry.embedded.default-compatibility = SIDEWAYS", "default-compatibility")]
    [InlineData("serde.registry-retries = -1", "registry-retries")]
    [InlineData("registry.basic-auth-user-info = nocolon", "basic-auth-user-info")]
    [InlineData("registry.basic-auth-user-info = \":secret\"", "basic-auth-user-info")]
    public void Invalid_values_must_fail_naming_the_key(string hocon, string key) =>
        Assert.Contains(key, Assert.Throws<ArgumentException>(() => AvroSettings.Create(ConfigurationFactory.ParseString($"actorflow.avro.{hocon}"))).Message, StringComparison.Ordinal);

    /// <summary>Verify that with no URL the host starts the embedded registry, and with a URL nobody answers the start fails naming the URL.</summary>
    [Fact]
    public async Task The_host_must_start_the_embedded_registry_or_check_the_configured_one()
    {
        using var dir = new TempDirectory("actorflow-registry-host");
        var settings = AvroSettings.Create(ConfigurationFactory.ParseString($"actorflow.avro.registry.embedded.connection-string = \"Data Source={Path.Combine(dir.Path, "r.db")}\""));
        await using (var host = await SchemaRegistryHost.StartAsync(settings))
        {
            Assert.NotNull(host.Embedded);
            Assert.StartsWith("http://127.0.0.1:", host.Url, StringComparison.Ordinal);
            Assert.True(await host.Client.RegisterSchemaAsync("s-value", new Confluent.SchemaRegistry.Schema("\"string\"", Confluent.SchemaRegistry.SchemaType.Avro)) > 0);
        }

        var down = settings.WithRegistryUrl("http://127.0.0.1:9") with { RequestTimeout = TimeSpan.FromSeconds(2) };
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SchemaRegistryHost.StartAsync(down));
        Assert.Contains("http://127.0.0.1:9", e.Message, StringComparison.Ordinal);
    }

    private static ConfigKey Key<T>(string path, Func<AvroSettings, T> read, string property) =>
        new($"{AvroSettings.Path}.{path}", c => read(AvroSettings.Create(c))) { Documented = (typeof(AvroSettings), property) };
}
