using Akka.Actor;
using Microsoft.Data.Sqlite;
using AkkaConfig = Akka.Configuration.Config;

namespace ActorFlow.Persistence.Config;

/// <summary>
/// Where keyed state (Akka.Persistence.Sql journal and snapshot store) and checkpoint records live. Immutable:
/// <c>With*</c> methods return changed copies. Defaults come from <c>actorflow.persistence.state-store</c> in the
/// embedded reference.conf: SQLite, file <c>data/actorflow-state.db</c>, tables created automatically.
/// </summary>
public sealed partial record StateStoreSettings
{
    /// <summary>The HOCON path these settings are read from.</summary>
    public const string ConfigPath = "actorflow.persistence.state-store";

    /// <summary>The linq2db provider name Akka.Persistence.Sql uses for SQLite (Microsoft.Data.Sqlite).</summary>
    public const string SqliteProviderName = "SQLite.MS";

    /// <summary>The linq2db provider name Akka.Persistence.Sql uses for PostgreSQL (Npgsql).</summary>
    public const string PostgreSqlProviderName = "PostgreSQL.15";

    private StateStoreSettings(
        StateStoreProvider provider, string connectionString, string dataDirectory, string sqliteFileName, bool autoInitialize)
    {
        Provider = provider;
        ConnectionString = connectionString;
        DataDirectory = dataDirectory;
        SqliteFileName = sqliteFileName;
        AutoInitialize = autoInitialize;
    }

    /// <summary>The database kind. Default <see cref="StateStoreProvider.Sqlite"/>.</summary>
    public StateStoreProvider Provider { get; private init; }

    /// <summary>
    /// The configured ADO.NET connection string; empty by default, which for SQLite means the file
    /// <see cref="SqliteFilePath"/>. PostgreSQL needs one. See <see cref="EffectiveConnectionString"/>.
    /// </summary>
    public string ConnectionString { get; private init; }

    /// <summary>The job's data directory (absolute, or relative to the working directory). Default <c>data</c>.</summary>
    public string DataDirectory { get; private init; }

    /// <summary>The SQLite database file name inside <see cref="DataDirectory"/>. Default <c>actorflow-state.db</c>.</summary>
    public string SqliteFileName { get; private init; }

    /// <summary>Whether missing tables are created on first use. Default <c>true</c>.</summary>
    public bool AutoInitialize { get; private init; }

    /// <summary>The full path of the SQLite file (meaningful for <see cref="StateStoreProvider.Sqlite"/>).</summary>
    public string SqliteFilePath => Path.GetFullPath(Path.Combine(DataDirectory, SqliteFileName));

    /// <summary>The Akka.Persistence.Sql (linq2db) provider name: <c>SQLite.MS</c> or <c>PostgreSQL.15</c>.</summary>
    public string ProviderName => Provider == StateStoreProvider.Sqlite ? SqliteProviderName : PostgreSqlProviderName;

    /// <summary>
    /// The connection string actually used: <see cref="ConnectionString"/> when set, otherwise (SQLite only) one
    /// pointing at <see cref="SqliteFilePath"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">PostgreSQL without a connection string.</exception>
    public string EffectiveConnectionString
    {
        get
        {
            if (!string.IsNullOrWhiteSpace(ConnectionString))
            {
                return ConnectionString;
            }

            if (Provider == StateStoreProvider.PostgreSql)
            {
                throw new InvalidOperationException(
                    $"{ConfigPath}.connection-string is required when provider = postgresql.");
            }

            return new SqliteConnectionStringBuilder { DataSource = SqliteFilePath, Pooling = true }.ToString();
        }
    }

    /// <summary>Settings for a SQLite file in <paramref name="dataDirectory"/>, other values at their defaults.</summary>
    /// <param name="dataDirectory">The job's data directory.</param>
    /// <returns>The settings.</returns>
    public static StateStoreSettings Sqlite(string dataDirectory) =>
        Create(ActorFlowPersistence.DefaultConfiguration).WithProvider(StateStoreProvider.Sqlite).WithDataDirectory(dataDirectory);

    /// <summary>Settings for PostgreSQL at <paramref name="connectionString"/>, other values at their defaults.</summary>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <returns>The settings.</returns>
    public static StateStoreSettings PostgreSql(string connectionString) =>
        Create(ActorFlowPersistence.DefaultConfiguration).WithProvider(StateStoreProvider.PostgreSql)
            .WithConnectionString(connectionString);

    /// <summary>Reads the settings of <paramref name="system"/> (its config over the embedded defaults).</summary>
    /// <param name="system">The actor system.</param>
    /// <returns>The settings.</returns>
    public static StateStoreSettings Create(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(system.Settings.Config);
    }

    /// <summary>Reads the settings at <see cref="ConfigPath"/> of <paramref name="config"/>, over the embedded defaults.</summary>
    /// <param name="config">A config holding <c>actorflow.persistence.state-store</c> (may be partial).</param>
    /// <returns>The settings.</returns>
    /// <exception cref="ArgumentException">An unknown provider.</exception>
    /// <exception cref="Akka.Configuration.ConfigurationException">A setting it does not know under the section (a typo).</exception>
    public static StateStoreSettings Create(AkkaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        KnownSettings.Check(config, ActorFlowPersistence.DefaultConfiguration, ConfigPath);
        var c = ActorFlowPersistence.WithDefaults(config).GetConfig(ConfigPath);
        return new StateStoreSettings(
            ParseProvider(c.GetString("provider")),
            c.GetString("connection-string") ?? string.Empty,
            c.GetString("data-directory"),
            c.GetString("sqlite-file-name"),
            c.GetBoolean("auto-initialize"));
    }

    /// <summary>Returns a copy with another provider.</summary>
    /// <param name="provider">The database kind.</param>
    /// <returns>The changed copy.</returns>
    public StateStoreSettings WithProvider(StateStoreProvider provider) => this with { Provider = provider };

    /// <summary>Returns a copy with another connection string (empty: SQLite file in the data directory).</summary>
    /// <param name="connectionString">An ADO.NET connection string.</param>
    /// <returns>The changed copy.</returns>
    public StateStoreSettings WithConnectionString(string connectionString) =>
        this with { ConnectionString = connectionString ?? throw new ArgumentNullException(nameof(connectionString)) };

    /// <summary>Returns a copy with another data directory.</summary>
    /// <param name="dataDirectory">A directory path.</param>
    /// <returns>The changed copy.</returns>
    public StateStoreSettings WithDataDirectory(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        return this with { DataDirectory = dataDirectory };
    }

    /// <summary>Returns a copy with another SQLite file name.</summary>
    /// <param name="fileName">A file name, without directory.</param>
    /// <returns>The changed copy.</returns>
    public StateStoreSettings WithSqliteFileName(string fileName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fileName);
        return this with { SqliteFileName = fileName };
    }

    /// <summary>Returns a copy that does (or does not) create missing tables.</summary>
    /// <param name="autoInitialize">Whether to create tables.</param>
    /// <returns>The changed copy.</returns>
    public StateStoreSettings WithAutoInitialize(bool autoInitialize) => this with { AutoInitialize = autoInitialize };

    private static StateStoreProvider ParseProvider(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        "sqlite" => StateStoreProvider.Sqlite,
        "postgresql" or "postgres" => StateStoreProvider.PostgreSql,
        _ => throw new ArgumentException(
            $"{ConfigPath}.provider = '{value}' is not supported: use 'sqlite' or 'postgresql'.", nameof(value)),
    };
}
