using ActorFlow.Persistence;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// Creates the actor system a job runs on: an Akka cluster on 127.0.0.1 (a single node that joins itself by
/// default, or a node joining <c>seeds</c>), with Akka.Persistence.Sql on the given state store.
/// </summary>
public static class ActorFlowCluster
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<ActorSystem, ICheckpointStore> Stores = new();

    /// <summary>The checkpoint store in the state store this node was started with.</summary>
    public static ICheckpointStore CheckpointStoreOf(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Stores.TryGetValue(system, out var store)
            ? store
            : throw new InvalidOperationException("This actor system was not started by ActorFlowCluster.StartNodeAsync, so it has no checkpoint store.");
    }

    /// <summary>The members of this node's cluster that are Up (this node included once it is).</summary>
    internal static int UpMembers(ActorSystem system) => Cluster.Get(system).State.Members.Count(m => m.Status == MemberStatus.Up);

    /// <summary>
    /// Starts a cluster node and waits until it is Up. On PostgreSQL with auto-initialize the node first has its journal
    /// and snapshot store create their tables, one node at a time (an advisory lock): nodes that start at once on a new
    /// database raced on them.
    /// </summary>
    /// <param name="name">The actor system name (equal on every node of one cluster).</param>
    /// <param name="state">Where key-group state lives (SQLite file or PostgreSQL).</param>
    /// <param name="seeds">
    /// Seed node addresses; none = those of <c>akka.cluster.seed-nodes</c> in <paramref name="overrides"/> when it names
    /// some (each node of a deployment started with the same file, e.g. hocon/cluster-node.conf), else join itself
    /// (single node).
    /// </param>
    /// <param name="overrides">Extra HOCON, taking precedence over everything else.</param>
    /// <param name="port">
    /// TCP port on 127.0.0.1; 0 picks a free one unless <paramref name="overrides"/> set
    /// <c>akka.remote.dot-netty.tcp.port</c> (another port in both is refused).
    /// </param>
    /// <exception cref="InvalidOperationException">The PostgreSQL database of <paramref name="state"/> could not be reached
    /// within 30 s, or the node terminated while it joined.</exception>
    /// <exception cref="TimeoutException">The node did not come up within <c>actorflow.cluster.join-timeout</c> (30 s unless
    /// <paramref name="overrides"/> set it).</exception>
    /// <exception cref="ArgumentException"><c>actorflow.cluster.join-timeout</c> is not a duration from 1 ms to 49 days.</exception>
    public static async Task<ActorSystem> StartNodeAsync(string name, StateStoreSettings state, IReadOnlyList<Address>? seeds = null, Config? overrides = null, int port = 0)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (port != 0 && overrides is not null && overrides.HasPath("akka.remote.dot-netty.tcp.port") && overrides.GetInt("akka.remote.dot-netty.tcp.port") is var configured && configured != port)
        {
            // The overrides take precedence: the node would bind their port, not the one asked for here.
            throw new ArgumentException(
                $"The node is asked for port {port}, but its overrides set akka.remote.dot-netty.tcp.port = {configured}: give one of them (0 here lets the overrides decide).",
                nameof(port));
        }

        state.PrepareDatabase();
        var config = (overrides ?? Config.Empty)
            .WithFallback(ConfigurationFactory.ParseString($$"""
                akka.actor.provider = cluster
                # A batch for one key group carries up to BatchSize records with their source bytes (dead letters need
                # them): Akka.Remote's default 128 kB frame would drop a large one, and its ask would only time out.
                akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = {{port}}, maximum-frame-size = 16MiB, send-buffer-size = 16MiB, receive-buffer-size = 16MiB }
                akka.cluster.downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
                akka.cluster.split-brain-resolver { active-strategy = keep-oldest, stable-after = 3s }
                akka.cluster.sharding.state-store-mode = ddata
                akka.cluster.sharding.remember-entities = off
                # A key group holds state since the last checkpoint: it must never be passivated while the job runs.
                akka.cluster.sharding.passivate-idle-entity-after = off
                # A key group that moves restores the last checkpoint and makes the job fail over (docs/runtime.md):
                # when a node joins, move every shard it should get in one rebalance round, not 3 per 10 s.
                akka.cluster.sharding.least-shard-allocation-strategy { rebalance-absolute-limit = 100000, rebalance-relative-limit = 1.0 }
                # A job run as a cluster singleton stops in this phase when its node leaves, before the key groups hand off
                # (JobSingletonOptions.StopTimeout, 30 s): the default phase timeout (5 s) would cut its stop short.
                akka.coordinated-shutdown.phases.before-cluster-shutdown.timeout = 30 s
                akka.loglevel = WARNING
                """))
            .WithFallback(TopologyDefaults.Config) // actorflow.cluster
            .WithFallback(state.ToAkkaConfig())
            .WithFallback(ActorFlowPersistence.DefaultConfiguration)
            .WithFallback(WireSerializationConfig.Default)
            .WithFallback(ClusterSharding.DefaultConfig())
            // The singleton's messages (JobRunner.StartSingletonAsync) may reach a node before it calls StartSingletonAsync
            // (a restarted node): without the singleton's serializer it logged "Cannot find serializer with id [14]".
            .WithFallback(Akka.Cluster.Tools.Singleton.ClusterSingleton.DefaultConfig());
        var checkpoints = CheckpointSettings.Create(config); // actorflow.persistence.checkpoints.table-name; a bad one fails here
        var joinTimeout = JoinTimeout(config);
        var configuredSeeds = seeds is { Count: > 0 } ? [] : config.GetStringList("akka.cluster.seed-nodes") ?? [];
        if (configuredSeeds.Count > 0 && !configuredSeeds.Any(s => s.StartsWith($"akka.tcp://{name}@", StringComparison.Ordinal)))
        {
            throw new ArgumentException(
                $"akka.cluster.seed-nodes ({string.Join(", ", configuredSeeds)}) names no node of the actor system '{name}': a node joins seed nodes of its own system name only. Start the node with the system name of the seed addresses, or change them.",
                nameof(overrides));
        }

        var system = ActorSystem.Create(name, state.ToActorSystemSetup(config));
        var store = CheckpointStore.Create(state, checkpoints);
        Stores.Add(system, store);
        system.RegisterOnTermination(() => store.DisposeAsync().AsTask().GetAwaiter().GetResult());
        LiveJobs.Get(system); // its shutdown task in place before any shutdown can begin
        if (state.Provider == StateStoreProvider.PostgreSql && state.AutoInitialize)
        {
            await CreateTablesAsync(system, state).ConfigureAwait(false);
        }

        var cluster = Cluster.Get(system);
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        if (seeds is { Count: > 0 })
        {
            // Not JoinSeedNodesAsync: its task completes only once the node is up, so seed nodes that never answered, or
            // a node downed while it joined (its actor system terminated), kept the start waiting for ever, before the
            // bound below began.
            cluster.JoinSeedNodes(seeds);
        }
        else if (config.GetStringList("akka.cluster.seed-nodes") is not { Count: > 0 })
        {
            await cluster.JoinAsync(cluster.SelfAddress).ConfigureAwait(false);
        }

        // Else the cluster joins the configured seed nodes by itself (Akka.Cluster does at start); joining itself here
        // as well made every node so started a cluster of its own.

        var joining = seeds is { Count: > 0 } ? string.Join(", ", seeds) : configuredSeeds.Count > 0 ? string.Join(", ", configuredSeeds) : "itself";
        try
        {
            await Task.WhenAny(up.Task, system.WhenTerminated).WaitAsync(joinTimeout).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            await system.Terminate().ConfigureAwait(false); // nothing else holds it
            throw new TimeoutException($"The node {cluster.SelfAddress} did not come up within {joinTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)} s (actorflow.cluster.join-timeout) joining {joining}: is a seed node up and reachable?", e);
        }

        if (!up.Task.IsCompleted)
        {
            // Downed while joining (the split-brain resolver of a cluster losing members downs a joining node with the
            // others), or it gave up joining (akka.cluster.shutdown-after-unsuccessful-join-seed-nodes).
            throw new InvalidOperationException(
                $"The node {cluster.SelfAddress} terminated while joining {joining} (the cluster downed it, or it gave up joining): start it again.");
        }

        return system;
    }

    /// <summary>The bound of a node's join (<c>actorflow.cluster.join-timeout</c>): from 1 ms to 49 days.</summary>
    internal static TimeSpan JoinTimeout(Config config)
    {
        TimeSpan timeout;
        try
        {
            timeout = config.GetTimeSpan("actorflow.cluster.join-timeout", null, allowInfinite: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new ArgumentException($"actorflow.cluster.join-timeout is not a duration ({e.Message}): give one such as '30 s'.", "overrides", e);
        }

        // Task.WaitAsync takes whole milliseconds up to uint.MaxValue - 1 (~49 days).
        return timeout >= TimeSpan.FromMilliseconds(1) && timeout <= TimeSpan.FromMilliseconds(uint.MaxValue - 1)
            ? timeout
            : throw new ArgumentException($"actorflow.cluster.join-timeout must be between 1 ms and 49 days (it is {timeout}): it bounds how long a node's start waits to join its cluster.", "overrides");
    }

    /// <summary>
    /// Has the journal and the snapshot store create their tables (Akka.Persistence.Sql's auto-initialize, which runs at
    /// their first request) under the advisory lock every ActorFlow node takes to create tables: nodes starting at once on
    /// a new database create them one after the other (they raced on <c>CREATE TABLE</c>, and a journal restarted). A
    /// database that cannot be reached fails the start, naming it.
    /// </summary>
    private static async Task CreateTablesAsync(ActorSystem system, StateStoreSettings state)
    {
        var timeout = TimeSpan.FromSeconds(30);
        try
        {
            using var bound = new CancellationTokenSource(timeout);
            await using var locked = await PostgreSqlTableLock.AcquireAsync(state.EffectiveConnectionString, bound.Token).ConfigureAwait(false);
            var persistence = Akka.Persistence.Persistence.Instance.Apply(system);
            var snapshot = await persistence.SnapshotStoreFor(null).Ask<object>(
                new Akka.Persistence.LoadSnapshot("actorflow-tables", Akka.Persistence.SnapshotSelectionCriteria.None, long.MaxValue), timeout).ConfigureAwait(false);
            if (snapshot is Akka.Persistence.LoadSnapshotFailed failed)
            {
                throw failed.Cause;
            }

            var journal = await persistence.JournalFor(null).Ask<object>(
                (IActorRef sender) => new Akka.Persistence.ReplayMessages(1, 0, 0, "actorflow-tables", sender), timeout, CancellationToken.None).ConfigureAwait(false);
            if (journal is Akka.Persistence.ReplayMessagesFailure replay)
            {
                throw replay.Cause;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await system.Terminate().ConfigureAwait(false); // nothing else holds it
            throw new InvalidOperationException($"The node could not create or reach its state store's tables in PostgreSQL ({e.GetType().Name}: {e.Message}): is the database up and reachable?", e);
        }
    }
}
