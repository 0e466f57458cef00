using System.Collections.Concurrent;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A complete checkpoint whose exactly-once output could not be published (a record the broker refuses, a producer
/// that cannot connect) commits no offsets to the consumer group: the group's lag keeps showing the records whose output
/// is not out, the Kafka team's alarm. Before, the offsets were committed whatever the publish did, so the lag read 0
/// while nothing more was published (found by a Kafka user's review).
/// </summary>
public sealed class UnpublishedOffsetsSpec : Akka.TestKit.Xunit2.TestKit, IAsyncLifetime
{
    private const string Job = "unpublished";
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-unpublished");
    private readonly ICheckpointStore _store;
    private readonly JobRunnerOptions _options = new() { CheckpointInterval = null };
    private CheckpointCoordinator? _coordinator;

    public UnpublishedOffsetsSpec()
    {
        _store = CheckpointStore.Create(StateStoreSettings.Sqlite(_data.Path));
    }

    public Task InitializeAsync() => _store.InitializeAsync();

    public async Task DisposeAsync()
    {
        if (_coordinator is not null)
        {
            await _coordinator.CloseAsync().WaitAsync(Prompt);
        }

        await _store.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>Verify that the offsets of a checkpoint whose publish failed are not committed, and those of the next one that published are.</summary>
    [Fact]
    public async Task Offsets_must_be_committed_only_after_the_output_is_published()
    {
        var source = new RecordingSource();
        _coordinator = new CheckpointCoordinator(Job, Sys.ActorOf(Props.Create(() => new CoordinatorFixtures.AcknowledgingKeyGroups())), _store, source, _options, Sys.Log, _ => { }, 0);
        var publishes = 0;
        _coordinator.SinkCommit = _ => Interlocked.Increment(ref publishes) == 1
            ? Task.FromException(new InvalidOperationException("Broker: Message size too large"))
            : Task.CompletedTask;

        await CheckpointAsync(10);
        await CheckpointAsync(20);

        await AwaitAssertAsync(() => Assert.Contains(20, source.Committed), Prompt);
        Assert.Equal([20], source.Committed); // checkpoint 1's commit would have come before checkpoint 2 started
        Assert.Equal(2, Volatile.Read(ref publishes));
    }

    private async Task CheckpointAsync(long next)
    {
        var request = _coordinator!.RequestAsync();
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal) { ["clicks/0"] = next };
        using var timeout = new CancellationTokenSource(Prompt);
        while (_coordinator.MaybeStart(offsets, [0, 1, 2], 0) == 0)
        {
            await Task.Delay(10, timeout.Token);
        }

        await request.WaitAsync(Prompt);
    }

    /// <summary>Records the next offset of clicks/0 of every commit.</summary>
    private sealed class RecordingSource : ISourceControlHolder
    {
        public ConcurrentQueue<long> Committed { get; } = new();

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets)
        {
            Committed.Enqueue(nextOffsets["clicks/0"]);
            return Task.CompletedTask;
        }
    }
}
