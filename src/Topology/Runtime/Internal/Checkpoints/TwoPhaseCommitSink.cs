using System.Text;
using ActorFlow.Persistence.Checkpoints;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Exactly-once output by two-phase commit: the stream side writes records through the sink's writer as
/// they arrive and pre-commits at each barrier; the coordinator stores the committables (not the records) in the
/// checkpoint record under <see cref="KeyOf"/>; once the checkpoint is complete they are committed. Committables of a
/// failed checkpoint join the next one (<see cref="EpochHandoff"/>), and committables whose commit failed are stored
/// again in the next checkpoint's record until a commit succeeds, so the latest complete record always names every
/// pending output that is not yet visible. One instance serves one run.
/// </summary>
internal sealed class TwoPhaseCommitSink(ITwoPhaseCommitTarget target, TimeSpan timeout, int sink, string key)
{
    private readonly EpochHandoff _handoff = new();
    private readonly object _lock = new();
    private readonly Dictionary<long, List<string>> _taken = [];
    private readonly List<string> _uncommitted = [];

    /// <summary>The run's sink task once materialized (a failure ends the run).</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Where its committables are kept in the checkpoint record.</summary>
    public string Key => key;

    /// <summary>The key of the job's <paramref name="index"/>-th two-phase-commit sink (0-based) in the checkpoint record.</summary>
    public static string KeyOf(int index) => "actorflow.2pc." + index.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The run's sink; when it ends, a checkpoint still waiting for its barrier fails at once (with the cause).</summary>
    public Sink<IReadOnlyList<Emitted>, Task<Done>> Sink() =>
        target.Sink(sink, (id, committables) => _handoff.Provide(id, committables), _handoff.Fail)
            .MapMaterializedValue(done =>
            {
                Completion = done;
                done.ContinueWith(t => _handoff.End(t.Exception?.GetBaseException()), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                return done;
            });

    /// <summary>A run starts: commit what the restored checkpoint names and remove pending output nothing names.</summary>
    public Task RecoverAsync(CheckpointRecord? restored, CancellationToken cancellationToken) =>
        target.RecoverAsync(restored is not null && restored.SinkTransactionIds.TryGetValue(key, out var packed) ? Unpack(packed) : [], cancellationToken);

    /// <summary>Chains every two-phase-commit sink into the coordinator's sink calls (after those already attached).</summary>
    public static void Attach(CheckpointCoordinator coordinator, IReadOnlyList<TwoPhaseCommitSink> sinks)
    {
        if (sinks.Count == 0)
        {
            return;
        }

        var preCommit = coordinator.SinkPreCommit;
        var commit = coordinator.SinkCommit;
        var abort = coordinator.SinkAbort;
        coordinator.SinkPreCommit = async (id, cancellationToken) =>
        {
            var state = new Dictionary<string, string>(StringComparer.Ordinal);
            if (preCommit is not null)
            {
                foreach (var (k, v) in await preCommit(id, cancellationToken).ConfigureAwait(false))
                {
                    state[k] = v;
                }
            }

            foreach (var sink in sinks)
            {
                state[sink.Key] = await sink.PreCommitAsync(id, cancellationToken).ConfigureAwait(false);
            }

            return state;
        };
        // The write-ahead sinks' failure to publish does not keep these from taking their committables over: not taken,
        // they were left out of the next record and the next run's recovery removed their files.
        coordinator.SinkCommit = record => SinkCommits.AllAsync(
            sinks.Select(sink => (Func<Task>)(() => sink.CommitAsync(record))).Prepend(() => commit?.Invoke(record) ?? Task.CompletedTask));
        coordinator.SinkAbort = id =>
        {
            abort?.Invoke(id);
            foreach (var sink in sinks)
            {
                sink.Abort(id);
            }
        };
    }

    private async Task<string> PreCommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        var prepared = await _handoff.TakeAsync(checkpointId, timeout, cancellationToken).ConfigureAwait(false);
        var committables = prepared.Select(Encoding.UTF8.GetString).ToList();
        lock (_lock)
        {
            _taken[checkpointId] = committables;
            return Pack([.. _uncommitted, .. committables]);
        }
    }

    private async Task CommitAsync(CheckpointRecord record)
    {
        List<string> all;
        lock (_lock)
        {
            if (_taken.Remove(record.CheckpointId, out var committables))
            {
                _uncommitted.AddRange(committables);
            }

            all = [.. _uncommitted];
        }

        if (all.Count == 0)
        {
            return;
        }

        await target.CommitAsync(all, CancellationToken.None).ConfigureAwait(false);
        lock (_lock)
        {
            _uncommitted.RemoveAll(all.Contains);
        }
    }

    private void Abort(long checkpointId)
    {
        List<string>? committables;
        lock (_lock)
        {
            _taken.Remove(checkpointId, out committables);
        }

        _handoff.Return(checkpointId, committables?.Select(Encoding.UTF8.GetBytes).ToList());
    }

    private static string Pack(IReadOnlyList<string> committables) =>
        EpochHandoff.Pack([.. committables.Select(Encoding.UTF8.GetBytes)]);

    private static List<string> Unpack(string packed) =>
        [.. EpochHandoff.Unpack(packed).Select(b => Encoding.UTF8.GetString(b))];
}
