using ActorFlow.Persistence;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Configuration;

namespace ActorFlow.Docs.Tests.Persistence;

/// <summary>docs/persistence.md, "Configuring": the start-up sequence, run on SQLite in a temporary directory.</summary>
public sealed class StartUpSnippetSpec
{
    /// <summary>Verify that the documented start-up sequence creates the SQLite file and gives a working checkpoint store.</summary>
    [Fact]
    public async Task A_documented_start_up_must_give_a_working_checkpoint_store()
    {
        using var data = new TempDirectory("actorflow-docs");
        var appConfig = ConfigurationFactory.ParseString($"actorflow.persistence.state-store.data-directory = \"{data.Path}\"");
        {
            // begin-snippet: persistence-start-up
            var store = StateStoreSettings.Create(appConfig);            // or StateStoreSettings.Sqlite(dir) / .PostgreSql(cs)
            store.PrepareDatabase();                                     // SQLite: create dir + file, journal_mode=WAL
            var config = appConfig.WithFallback(store.ToAkkaConfig())    // journal + snapshot store + query on Akka.Persistence.Sql
                                  .WithFallback(ClusterSharding.DefaultConfig());
            using var system = ActorSystem.Create("actorflow", store.ToActorSystemSetup(config)); // SQLite: see "durability" above
            await using var checkpoints = CheckpointStore.Create(ActorFlowPersistence.Get(system));
            // end-snippet

            Assert.True(File.Exists(store.SqliteFilePath));
            Assert.Null(await checkpoints.LoadLatestAsync("no-such-job"));
        }
    }
}
