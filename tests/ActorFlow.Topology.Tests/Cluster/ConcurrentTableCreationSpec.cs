using System.Collections.Concurrent;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Akka.Event;

namespace ActorFlow.Topology.Tests.Cluster;

/// <summary>
/// Nodes that start at once on a new PostgreSQL database create the journal's, the snapshot store's and the checkpoint
/// store's tables one after the other (an advisory lock): before, two nodes creating them at once raced on
/// <c>CREATE TABLE</c> (a duplicate <c>pg_type</c> entry) and a journal restarted.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConcurrentTableCreationSpec(LocalPostgres postgres)
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Verify that four nodes started at once on one new database log no persistence error, and that each one's journal,
    /// snapshot store and checkpoint store answer.
    /// </summary>
    [Fact]
    public async Task Nodes_starting_at_once_must_create_the_tables_without_a_race()
    {
        var state = StateStoreSettings.PostgreSql(postgres.CreateDatabase("tables_at_once"));
        var errors = new ConcurrentQueue<string>();
        var starting = Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
        {
            var system = await ActorFlowCluster.StartNodeAsync($"tables-{i}", state);
            var listener = system.ActorOf(Props.Create(() => new ErrorListener(errors)));
            system.EventStream.Subscribe(listener, typeof(Error));
            await StoresAnswerAsync(system);
            return system;
        })).ToList();
        var systems = new List<ActorSystem>();
        try
        {
            foreach (var start in starting)
            {
                systems.Add(await start.WaitAsync(Prompt));
            }

            await using (var store = CheckpointStore.Create(state))
            {
                await store.InitializeAsync();
                Assert.Empty(await store.ListJobsAsync());
            }
        }
        finally
        {
            await Task.WhenAll(starting.Where(t => t.IsCompletedSuccessfully).Select(t => t.Result.Terminate()));
        }

        Assert.True(errors.IsEmpty, string.Join(Environment.NewLine, errors));
    }

    /// <summary>
    /// Verify that checkpoint stores of several nodes initializing one new database at once all succeed (three databases:
    /// the race did not show every time).
    /// </summary>
    [Fact]
    public async Task Checkpoint_stores_initializing_at_once_must_all_succeed()
    {
        for (var round = 0; round < 3; round++)
        {
            var state = StateStoreSettings.PostgreSql(postgres.CreateDatabase("checkpoint_tables_at_once"));
            var stores = Enumerable.Range(0, 6).Select(_ => CheckpointStore.Create(state)).ToList();
            try
            {
                await Task.WhenAll(stores.Select(s => Task.Run(() => s.InitializeAsync()))).WaitAsync(Prompt);
                Assert.Empty(await stores[0].ListJobsAsync());
            }
            finally
            {
                foreach (var store in stores)
                {
                    await store.DisposeAsync();
                }
            }
        }
    }

    /// <summary>
    /// Asks the node's snapshot store and journal a query each (what first makes them create their tables, when the node's
    /// start did not).
    /// </summary>
    private static async Task StoresAnswerAsync(ActorSystem system)
    {
        var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
        await persistence.SnapshotStoreFor(null).Ask<Akka.Persistence.LoadSnapshotResult>(
            new Akka.Persistence.LoadSnapshot("warm-up", Akka.Persistence.SnapshotSelectionCriteria.None, long.MaxValue), Prompt);
        await persistence.JournalFor(null).Ask<Akka.Persistence.RecoverySuccess>(
            (IActorRef sender) => new Akka.Persistence.ReplayMessages(1, 0, 0, "warm-up", sender), Prompt, CancellationToken.None);
    }

    private sealed class ErrorListener : ReceiveActor
    {
        public ErrorListener(ConcurrentQueue<string> errors) => Receive<Error>(e => errors.Enqueue($"{e.LogSource}: {e.Message} {e.Cause?.Message}"));
    }
}
