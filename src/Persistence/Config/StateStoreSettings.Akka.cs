using System.Text;
using ActorFlow.Persistence.Sql;
using Akka.Configuration;
using Akka.Persistence.Sql;
using AkkaConfig = Akka.Configuration.Config;

namespace ActorFlow.Persistence.Config;

public sealed partial record StateStoreSettings
{
    /// <summary>
    /// The Akka config that makes Akka.Persistence.Sql the journal, snapshot store and query journal on this
    /// database, falling back to <see cref="SqlPersistence.DefaultConfiguration"/>. Use it as the first fallback of
    /// the actor system's config (along with <c>ClusterSharding.DefaultConfig()</c> when sharding).
    /// Call <see cref="PrepareDatabase"/> before the actor system starts.
    /// </summary>
    /// <returns>The config.</returns>
    public AkkaConfig ToAkkaConfig()
    {
        var cs = Quote(EffectiveConnectionString);
        var provider = Quote(ProviderName);
        var init = AutoInitialize ? "on" : "off";
        var hocon = new StringBuilder()
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
    /// Makes the database ready for the actor system: for SQLite, creates the data directory and the file and
    /// switches it to <c>journal_mode=WAL</c> (a property of the file, kept across connections). PostgreSQL needs
    /// nothing (tables are created on first use when <see cref="AutoInitialize"/> is on).
    /// </summary>
    public void PrepareDatabase()
    {
        if (Provider == StateStoreProvider.Sqlite)
        {
            SqliteDatabase.EnsureWal(EffectiveConnectionString);
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
