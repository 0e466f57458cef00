using ActorFlow.Persistence.Config;
using Akka.Configuration;

namespace ActorFlow.Persistence.Tests.Config;

public sealed class StateStoreSettingsSpec
{
    /// <summary>Verify the Akka.Persistence.Sql keys produced for SQLite (file in the data directory).</summary>
    [Fact]
    public void Sqlite_produces_sql_journal_and_snapshot_store_on_a_file()
    {
        var settings = StateStoreSettings.Sqlite("/var/lib/job-1");
        var akka = settings.ToAkkaConfig();
        Assert.Equal("akka.persistence.journal.sql", akka.GetString("akka.persistence.journal.plugin"));
        Assert.Equal("akka.persistence.snapshot-store.sql", akka.GetString("akka.persistence.snapshot-store.plugin"));
        foreach (var path in new[] { "akka.persistence.journal.sql", "akka.persistence.snapshot-store.sql", "akka.persistence.query.journal.sql" })
        {
            Assert.Equal("SQLite.MS", akka.GetString($"{path}.provider-name"));
            Assert.Equal("Data Source=/var/lib/job-1/actorflow-state.db;Pooling=True", akka.GetString($"{path}.connection-string"));
        }

        Assert.True(akka.GetBoolean("akka.persistence.journal.sql.auto-initialize"));
        Assert.True(akka.GetBoolean("akka.persistence.snapshot-store.sql.auto-initialize"));
        // Falls back to Akka.Persistence.Sql's own defaults.
        Assert.Equal(
            "Akka.Persistence.Sql.Journal.SqlWriteJournal, Akka.Persistence.Sql",
            akka.GetString("akka.persistence.journal.sql.class"));
        Assert.Equal("snapshot", akka.GetString("akka.persistence.snapshot-store.sql.default.snapshot.table-name"));
        // ActorFlow's circuit-breaker settings win over Akka's plugin fallback (30 s / 60 s open after a few failures).
        Assert.Equal(1_000_000, akka.GetInt("akka.persistence.journal.sql.circuit-breaker.max-failures"));
        Assert.Equal(1_000_000, akka.GetInt("akka.persistence.snapshot-store.sql.circuit-breaker.max-failures"));
    }

    /// <summary>Verify the keys produced for PostgreSQL, with quotes and backslashes in the connection string kept.</summary>
    [Fact]
    public void PostgreSql_produces_provider_and_escapes_connection_string()
    {
        const string cs = "Host=127.0.0.1;Password=a\"b\\c;Database=x";
        var akka = StateStoreSettings.PostgreSql(cs).WithAutoInitialize(false).ToAkkaConfig();
        Assert.Equal("PostgreSQL.15", akka.GetString("akka.persistence.journal.sql.provider-name"));
        Assert.Equal(cs, akka.GetString("akka.persistence.snapshot-store.sql.connection-string"));
        Assert.False(akka.GetBoolean("akka.persistence.journal.sql.auto-initialize"));
    }

    /// <summary>Verify that PostgreSQL without a connection string fails with the key named.</summary>
    [Fact]
    public void PostgreSql_requires_a_connection_string()
    {
        var settings = StateStoreSettings.Create(ConfigurationFactory.ParseString("actorflow.persistence.state-store.provider = postgresql"));
        var e = Assert.Throws<InvalidOperationException>(() => settings.EffectiveConnectionString);
        Assert.Contains("connection-string", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that With* returns changed copies and leaves the original alone.</summary>
    [Fact]
    public void With_methods_copy()
    {
        var a = StateStoreSettings.Sqlite("one");
        var b = a.WithDataDirectory("two").WithSqliteFileName("s.db");
        Assert.Equal("one", a.DataDirectory);
        Assert.Equal(Path.GetFullPath("two/s.db"), b.SqliteFilePath);
        Assert.Throws<ArgumentException>(() => a.WithDataDirectory(" "));
    }

    /// <summary>Verify that hocon/postgres.conf, hocon/single-node.conf and hocon/cluster-node.conf parse into the intended settings.</summary>
    [Fact]
    public void Deployment_overrides_parse()
    {
        var postgres = StateStoreSettings.Create(ConfigurationFactory.ParseString(File.ReadAllText("hocon/postgres.conf")));
        Assert.Equal(StateStoreProvider.PostgreSql, postgres.Provider);
        Assert.Equal("PostgreSQL.15", postgres.ProviderName);
        Assert.Contains("Host=", postgres.EffectiveConnectionString, StringComparison.Ordinal);
        var single = ConfigurationFactory.ParseString(File.ReadAllText("hocon/single-node.conf"));
        Assert.Equal(StateStoreProvider.Sqlite, StateStoreSettings.Create(single).Provider);
        Assert.Equal("data", StateStoreSettings.Create(single).DataDirectory);
        Assert.Equal("cluster", single.GetString("akka.actor.provider"));
        var node = ConfigurationFactory.ParseString(File.ReadAllText("hocon/cluster-node.conf"));
        Assert.Equal(2, node.GetStringList("akka.cluster.seed-nodes").Count);
        Assert.Equal(4053, node.GetInt("akka.remote.dot-netty.tcp.port"));
    }
}
