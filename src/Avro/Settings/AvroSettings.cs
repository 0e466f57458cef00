using ActorFlow.Avro.Compatibility;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Persistence.Config;
using Akka.Configuration;
using Microsoft.Data.Sqlite;

namespace ActorFlow.Avro.Settings;

/// <summary>
/// Settings of ActorFlow.Avro from HOCON <c>actorflow.avro</c> (defaults in the embedded reference.conf): which
/// registry to use and how serdes talk to it. Immutable; <c>With*</c> returns a copy.
/// </summary>
public sealed record AvroSettings
{
    /// <summary>The HOCON path of the settings.</summary>
    public const string Path = "actorflow.avro";

    private static readonly Lazy<Config> Reference = new(() =>
    {
        using var stream = typeof(AvroSettings).Assembly.GetManifestResourceStream("ActorFlow.Avro.reference.conf")
            ?? throw new InvalidOperationException("ActorFlow.Avro.reference.conf is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>Gets the embedded reference configuration.</summary>
    public static Config DefaultConfiguration => Reference.Value;

    /// <summary>Gets the registry URL, empty by default: the embedded registry.</summary>
    public string RegistryUrl { get; init; } = "";

    /// <summary>Gets the timeout of one registry request. Default 30 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets the HTTP basic credentials of the registry at <see cref="RegistryUrl"/> (<c>registry.basic-auth-user-info</c>,
    /// <c>user:password</c>), or null (the default): none. Printed masked.
    /// </summary>
    public RegistryCredentials? RegistryCredentials { get; init; }

    /// <summary>Gets the embedded registry's port on 127.0.0.1. Default 0 (a free port).</summary>
    public int EmbeddedPort { get; init; }

    /// <summary>
    /// Gets the embedded registry's store provider, <c>sqlite</c> or <c>postgresql</c>, empty by default: the job's
    /// state store's provider when a job host starts the registry (<see cref="ForStateStore"/>), else <c>sqlite</c>.
    /// </summary>
    public string EmbeddedProvider { get; init; } = "";

    /// <summary>
    /// Gets the embedded registry's store connection string, empty by default: for a job host, the state store's
    /// database (<see cref="ForStateStore"/>: the SQLite file schema-registry.db in its data directory, or its
    /// PostgreSQL connection); standalone, a SQLite file actorflow-registry.db in the working directory.
    /// </summary>
    public string EmbeddedConnectionString { get; init; } = "";

    /// <summary>Gets the embedded registry's compatibility level of subjects without one; default <c>BACKWARD</c>.</summary>
    public string DefaultCompatibility { get; init; } = "BACKWARD";

    /// <summary>Gets whether serializers register their writer schemas (on unless configured off).</summary>
    public bool AutoRegisterSchemas { get; init; } = true;

    /// <summary>Gets the subject naming: topic, record or topic-record; default <c>topic</c>.</summary>
    public string SubjectNameStrategy { get; init; } = "topic";

    /// <summary>Gets the retries of a registry call that could not reach the registry. Default 3.</summary>
    public int RegistryRetries { get; init; } = 3;

    /// <summary>Gets the delay before the first retry. Default 200 ms.</summary>
    public TimeSpan RegistryRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Reads the settings from <paramref name="config"/> (<c>actorflow.avro</c>), falling back to the defaults.</summary>
    /// <param name="config">The configuration (e.g. the actor system's).</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentException">A value is invalid.</exception>
    public static AvroSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var c = (ReferenceEquals(config, DefaultConfiguration) ? config : config.WithFallback(DefaultConfiguration)).GetConfig(Path);
        var settings = new AvroSettings
        {
            RegistryUrl = c.GetString("registry.url", ""),
            RequestTimeout = c.GetTimeSpan("registry.request-timeout"),
            RegistryCredentials = RegistryCredentials.Parse(c.GetString("registry.basic-auth-user-info", "")),
            EmbeddedPort = c.GetInt("registry.embedded.port"),
            EmbeddedProvider = c.GetString("registry.embedded.provider"),
            EmbeddedConnectionString = c.GetString("registry.embedded.connection-string"),
            DefaultCompatibility = c.GetString("registry.embedded.default-compatibility"),
            AutoRegisterSchemas = c.GetBoolean("serde.auto-register-schemas"),
            SubjectNameStrategy = c.GetString("serde.subject-name-strategy"),
            RegistryRetries = c.GetInt("serde.registry-retries"),
            RegistryRetryDelay = c.GetTimeSpan("serde.registry-retry-delay"),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Returns a copy using the registry at <paramref name="url"/> (empty: the embedded one).</summary>
    /// <param name="url">The URL.</param>
    /// <returns>The copy.</returns>
    public AvroSettings WithRegistryUrl(string url) => this with { RegistryUrl = url ?? "" };

    /// <summary>The serde options these settings describe.</summary>
    /// <returns>The options.</returns>
    public AvroSerdeOptions ToSerdeOptions() => new()
    {
        AutoRegisterSchemas = AutoRegisterSchemas,
        RegistryRetries = RegistryRetries,
        RegistryRetryDelay = RegistryRetryDelay,
        SubjectNameStrategy = SubjectNameStrategy.ToUpperInvariant() switch
        {
            "RECORD" => Avro.SubjectNameStrategy.Record,
            "TOPIC-RECORD" => Avro.SubjectNameStrategy.TopicRecord,
            _ => Avro.SubjectNameStrategy.Topic,
        },
    };

    /// <summary>
    /// Returns a copy whose embedded registry keeps its schemas in the job's state store where no store is configured:
    /// with SQLite, the file schema-registry.db in the state store's data directory; with PostgreSQL, the state store's
    /// database (the registry's tables sit beside the journal's).
    /// </summary>
    /// <param name="state">The job's state store settings.</param>
    /// <returns>The copy.</returns>
    public AvroSettings ForStateStore(StateStoreSettings state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (EmbeddedConnectionString.Length > 0)
        {
            return this;
        }

        return state.Provider == StateStoreProvider.PostgreSql
            ? this with { EmbeddedProvider = "postgresql", EmbeddedConnectionString = state.EffectiveConnectionString }
            : this with
            {
                EmbeddedProvider = "sqlite",
                EmbeddedConnectionString = new SqliteConnectionStringBuilder { DataSource = System.IO.Path.GetFullPath(System.IO.Path.Combine(state.DataDirectory, "schema-registry.db")) }.ToString(),
            };
    }

    /// <summary>The embedded registry's options these settings describe.</summary>
    /// <returns>The options.</returns>
    public EmbeddedSchemaRegistryOptions ToEmbeddedOptions()
    {
        var connectionString = EmbeddedConnectionString.Length > 0 ? EmbeddedConnectionString : "Data Source=actorflow-registry.db";
        return new EmbeddedSchemaRegistryOptions
        {
            Port = EmbeddedPort,
            DefaultCompatibility = SchemaRegistryCore.ParseLevel(DefaultCompatibility),
            Store = EmbeddedProvider.ToUpperInvariant() switch
            {
                "POSTGRESQL" => () => SqlSchemaStore.PostgreSql(connectionString),
                _ => () => SqlSchemaStore.Sqlite(connectionString),
            },
        };
    }

    private void Validate()
    {
        if (RequestTimeout <= TimeSpan.Zero || RegistryRetryDelay <= TimeSpan.Zero)
        {
            throw new ArgumentException($"{Path}: request-timeout and registry-retry-delay must be positive durations.");
        }

        if (EmbeddedPort is < 0 or > 65535 || RegistryRetries < 0)
        {
            throw new ArgumentException($"{Path}: registry.embedded.port must be 0 to 65535 and serde.registry-retries at least 0.");
        }

        if (EmbeddedProvider.ToUpperInvariant() is not ("" or "SQLITE" or "POSTGRESQL"))
        {
            throw new ArgumentException($"{Path}.registry.embedded.provider must be sqlite, postgresql or empty (the job's state store), not '{EmbeddedProvider}'.");
        }

        if (SubjectNameStrategy.ToUpperInvariant() is not ("TOPIC" or "RECORD" or "TOPIC-RECORD"))
        {
            throw new ArgumentException($"{Path}.serde.subject-name-strategy must be topic, record or topic-record, not '{SubjectNameStrategy}'.");
        }

        try
        {
            SchemaRegistryCore.ParseLevel(DefaultCompatibility);
        }
        catch (RegistryError e)
        {
            throw new ArgumentException($"{Path}.registry.embedded.default-compatibility: {e.Message}", e);
        }
    }
}
