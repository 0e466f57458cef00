using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// The write-ahead sink publishes every epoch under a writer id kept in the checkpoint records, so that a destination
/// (the exactly-once Kafka sink) can tell its own earlier output from another job's: checkpoint ids, the epochs, start
/// at 1 again for a new job name or an empty checkpoint store.
/// </summary>
public sealed class WriterLineageSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string Job = "lineage";
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-writer-lineage");
    private readonly ICheckpointStore _store;
    private readonly JobRunnerOptions _options = new() { CheckpointInterval = null };
    private readonly List<CheckpointCoordinator> _coordinators = [];

    public WriterLineageSpec()
    {
        _store = CheckpointStore.Create(StateStoreSettings.Sqlite(_data.Path));
    }

    public Task InitializeAsync() => _store.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var coordinator in _coordinators)
        {
            await coordinator.CloseAsync().WaitAsync(Prompt);
        }

        await _store.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>
    /// Verify that a run restoring nothing publishes under a new writer id, stores it in its checkpoint record beside the
    /// epoch, and that a run restored from that record publishes the epoch again (and later ones) under the same id.
    /// </summary>
    [Fact]
    public async Task A_restored_run_must_publish_under_the_writer_of_the_checkpoint_it_restores()
    {
        var target = new Target();
        var coordinator = new CheckpointCoordinator(Job, Sys.ActorOf(Props.Create(() => new CoordinatorFixtures.AcknowledgingKeyGroups())), _store, new CoordinatorFixtures.NoSource(), _options, Sys.Log, _ => { }, 0);
        _coordinators.Add(coordinator);
        var first = new WriteAheadSink(target, _options.CheckpointTimeout);
        WriteAheadSink.Attach(coordinator, [first]);
        var output = Source.Queue<IReadOnlyList<Emitted>>(16, OverflowStrategy.Fail).ToMaterialized(first.Sink(), Keep.Left).Run(Sys.Materializer());

        var request = coordinator.RequestAsync();
        var id = await StartCheckpointAsync(coordinator);
        await output.OfferAsync([new Emitted(EmittedKind.Sink, null, "a", 0, 0), new Emitted(EmittedKind.Barrier, null, id, 0)]);
        var record = await request.WaitAsync(Prompt);

        // The request completes once the record is stored; the epoch is published right after (a close before that leaves
        // it to the next run's recovery, which the second half of this test shows).
        await AwaitAssertAsync(() => Assert.Equal((id, first.Writer, "a"), Assert.Single(target.Published)), Prompt);
        output.Complete();
        await first.CloseAsync().WaitAsync(Prompt);

        Assert.Matches("^[0-9a-f]{32}$", first.Writer);
        Assert.Equal(first.Writer, record.SinkTransactionIds[WriteAheadSink.EpochKey + ".writer"]);

        var restored = new WriteAheadSink(target, _options.CheckpointTimeout);
        await restored.RecoverAsync(record).WaitAsync(Prompt);
        Assert.Equal(first.Writer, restored.Writer);
        Assert.Equal((id, first.Writer, "a"), target.Published.Last());

        Assert.NotEqual(first.Writer, new WriteAheadSink(target, _options.CheckpointTimeout).Writer); // a job started afresh
    }

    /// <summary>
    /// Verify that a checkpoint record stored before writer ids were kept still restores: its epoch is published under a
    /// writer id of its own (not a fresh job's), the same for every run that restores it (a new id per run made a second
    /// recovery write again what an interrupted first one had published).
    /// </summary>
    [Fact]
    public async Task A_checkpoint_record_without_a_writer_must_restore_under_one_writer_every_time()
    {
        var target = new Target();
        var record = new CheckpointRecord(
            Job, 4, 0, [], ImmutableDictionary<string, string>.Empty.Add(WriteAheadSink.EpochKey, EpochHandoff.Pack([Encoding.UTF8.GetBytes("b")])), []);
        var restored = new WriteAheadSink(target, _options.CheckpointTimeout);
        var again = new WriteAheadSink(target, _options.CheckpointTimeout);

        await restored.RecoverAsync(record).WaitAsync(Prompt);
        await again.RecoverAsync(record).WaitAsync(Prompt);

        // The same writer for every run that restores it: a recovery interrupted mid-publish is recognized by the next one.
        Assert.Equal(restored.Writer, again.Writer);
        Assert.NotEqual(new WriteAheadSink(target, _options.CheckpointTimeout).Writer, restored.Writer);
        Assert.Equal([(4L, restored.Writer, "b"), (4L, restored.Writer, "b")], target.Published.ToList());
    }

    private static Task<long> StartCheckpointAsync(CheckpointCoordinator coordinator) => CoordinatorFixtures.StartCheckpointAsync(coordinator, Prompt);

    /// <summary>Records every record it is asked to publish, with its epoch and writer.</summary>
    private sealed class Target : IWriteAheadTarget
    {
        public ConcurrentQueue<(long Epoch, string Writer, string Value)> Published { get; } = new();

        public byte[] Encode(object? value, long timestamp) => Encoding.UTF8.GetBytes((string)value!);

        public Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, string writer, CancellationToken cancellationToken)
        {
            foreach (var record in records)
            {
                Published.Enqueue((epoch, writer, Encoding.UTF8.GetString(record)));
            }

            return Task.CompletedTask;
        }

        public Task CloseAsync() => Task.CompletedTask;
    }
}
