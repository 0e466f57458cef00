using System.Data.Common;
using System.Text;
using ActorFlow.Persistence.Sql;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Persistence.Sql;
using Akka.Persistence.Sql.Config;
using LinqToDB;
using Microsoft.Data.Sqlite;
using AkkaConfig = Akka.Configuration.Config;

namespace ActorFlow.Persistence.Config;

public sealed partial record StateStoreSettings
{
    /// <summary>
    /// The Akka config that makes Akka.Persistence.Sql the journal, snapshot store and query journal on this
    /// database, falling back to <see cref="SqlPersistence.DefaultConfiguration"/>. Use it as the first fallback of
    /// the actor system's config (along with <c>ClusterSharding.DefaultConfig()</c> when sharding).
    /// Call <see cref="PrepareDatabase"/> before the actor system starts. It also holds these settings at
    /// <see cref="ConfigPath"/>, so <see cref="Create(ActorSystem)"/> on that actor system returns them (modules such
    /// as the schema registry keep their data next to the state).
    /// </summary>
    /// <returns>The config.</returns>
    public AkkaConfig ToAkkaConfig()
    {
        var cs = Quote(EffectiveConnectionString);
        var provider = Quote(ProviderName);
        var init = AutoInitialize ? "on" : "off";
        var hocon = new StringBuilder()
            .AppendLine($"{ConfigPath} {{")
            .AppendLine($"  provider = {(Provider == StateStoreProvider.PostgreSql ? "postgresql" : "sqlite")}")
            .AppendLine($"  connection-string = {Quote(ConnectionString)}")
            .AppendLine($"  data-directory = {Quote(DataDirectory)}")
            .AppendLine($"  sqlite-file-name = {Quote(SqliteFileName)}")
            .AppendLine($"  auto-initialize = {init}")
            .AppendLine("}")
            .AppendLine("akka.persistence {")
            .AppendLine("  journal {")
            .AppendLine("    plugin = \"akka.persistence.journal.sql\"")
            .AppendLine($"    sql {{ connection-string = {cs}, provider-name = {provider}, auto-initialize = {init} }}")
            .AppendLine("  }")
            .AppendLine("  snapshot-store {")
            .AppendLine("    plugin = \"akka.persistence.snapshot-store.sql\"")
            .AppendLine($"    sql {{ connection-string = {cs}, provider-name = {provider}, auto-initialize = {init} }}")
            .AppendLine("  }")
            .AppendLine("  query.journal.sql {")
            .AppendLine($"    connection-string = {cs}, provider-name = {provider}")
            .AppendLine("    write-plugin = \"akka.persistence.journal.sql\"")
            .AppendLine("  }")
            .AppendLine("}")
            .ToString();
        return ConfigurationFactory.ParseString(hocon)
            .WithFallback(ActorFlowPersistence.DefaultConfiguration)
            .WithFallback(SqlPersistence.DefaultConfiguration);
    }

    /// <summary>
    /// The setup to create the actor system with: <paramref name="config"/> (which should fall back to
    /// <see cref="ToAkkaConfig"/>) and, for SQLite, Akka.Persistence.Sql's connections with
    /// <c>PRAGMA synchronous=NORMAL</c>. In WAL mode that skips the fsync of each snapshot write; the write is still
    /// safe against a killed process, and the checkpoint record, written afterwards on a <c>synchronous=FULL</c>
    /// connection, fsyncs the write-ahead log up to itself, so every snapshot a complete checkpoint names is on disk
    /// before that checkpoint counts (only snapshots of checkpoints that never completed can be lost to an OS crash).
    /// The connections come from <see cref="SqliteConnections.Create"/>, whose opens are safe to run concurrently.
    /// </summary>
    /// <param name="config">The actor system's config.</param>
    /// <returns>The setup.</returns>
    public ActorSystemSetup ToActorSystemSetup(AkkaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var bootstrap = BootstrapSetup.Create().WithConfig(config);
        if (Provider != StateStoreProvider.Sqlite)
        {
            return ActorSystemSetup.Create(bootstrap);
        }

        var connectionString = EffectiveConnectionString;
        var options = new DataOptions()
            .UseConnectionString(ProviderName, connectionString)
            .UseConnectionFactory(
                LinqToDB.DataProvider.SQLite.SQLiteTools.GetDataProvider(LinqToDB.DataProvider.SQLite.SQLiteProvider.Microsoft),
                _ => SqliteConnections.Create(connectionString))
            .UseAfterConnectionOpened(SynchronousNormal, SynchronousNormalAsync);
        return bootstrap.And(new DataOptionsSetup(options)).And(new Snapshots.GroupCommitDataOptions(options));
    }

    /// <summary>
    /// Makes the database ready for the actor system: for SQLite, creates the data directory and the file and
    /// switches it to <c>journal_mode=WAL</c> (a property of the file, kept across connections). PostgreSQL needs
    /// nothing (tables are created on first use when <see cref="AutoInitialize"/> is on).
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The SQLite directory cannot be created, the file cannot be opened for writing, or it is not a database: the
    /// message names the setting, the path and the cause (the original exception is the inner one).
    /// </exception>
    public void PrepareDatabase()
    {
        if (Provider != StateStoreProvider.Sqlite)
        {
            return;
        }

        var connectionString = EffectiveConnectionString;
        try
        {
            SqliteDatabase.EnsureWal(connectionString);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or SqliteException)
        {
            throw new InvalidOperationException(DescribeSqliteFailure(connectionString, e), e);
        }
    }

    private string DescribeSqliteFailure(string connectionString, Exception e)
    {
        var file = Path.GetFullPath(new SqliteConnectionStringBuilder(connectionString).DataSource);
        var setting = string.IsNullOrWhiteSpace(ConnectionString)
            ? $"{ConfigPath}.data-directory = '{DataDirectory}'"
            : $"{ConfigPath}.connection-string";
        return e switch
        {
            SqliteException { SqliteErrorCode: 26 or 11 } =>
                $"{setting}: the SQLite file '{file}' is not a usable database (corrupt, or another kind of file): {e.Message}. "
                + "Restore it from a backup, or move it away to start without state.",
            SqliteException =>
                $"{setting}: the SQLite file '{file}' cannot be opened for writing: {e.Message}",
            _ => $"{setting}: the SQLite data directory '{Path.GetDirectoryName(file)}' cannot be created: {e.Message}",
        };
    }

    private static void SynchronousNormal(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA synchronous=NORMAL;";
        command.ExecuteNonQuery();
    }

    private static async Task SynchronousNormalAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.CommandText = "PRAGMA synchronous=NORMAL;";
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var ch in value)
        {
            _ = ch switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                '\n' => sb.Append("\\n"),
                '\r' => sb.Append("\\r"),
                '\t' => sb.Append("\\t"),
                _ => sb.Append(ch),
            };
        }

        return sb.Append('"').ToString();
    }
}
