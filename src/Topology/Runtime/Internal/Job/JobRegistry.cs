using System.Collections.Concurrent;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Snapshots;
using Akka.Actor;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The jobs known to one actor system, so that a key-group entity started by sharding on this node
/// can build its operator and find the snapshot to start from. Every node registers the same job (same code), as
/// every Flink task manager loads the jar.
/// </summary>
internal sealed class JobRegistry : IExtension
{
    private readonly ConcurrentDictionary<string, Entry> _jobs = new(StringComparer.Ordinal);

    public static JobRegistry Get(ActorSystem system) => system.WithExtension<JobRegistry, Provider>();

    public void Register(string job, JobGraph plan, JobRunnerOptions options, CheckpointRecord? restoreFrom)
    {
        // Each run registers again; the key groups marked by the run that failed over stay marked for the next one.
        _jobs.AddOrUpdate(job, _ => For(new PoisonedKeyGroups()), (_, previous) => For(previous.Poisoned));

        Entry For(PoisonedKeyGroups poisoned) => new(plan, options.Clock, options.KeyGroupRestartLog, poisoned)
        {
            RestoreFrom = restoreFrom,
            EndsProcessingTime = options.ExecutionMode == ExecutionMode.Batch,
            AllowNonRestoredState = options.AllowNonRestoredState,
        };
    }

    public Entry Resolve(string job) =>
        _jobs.TryGetValue(job, out var entry) ? entry : throw new InvalidOperationException($"Job '{job}' is not registered on this node.");

    /// <summary>The last complete checkpoint becomes the restore point of key groups started from now on.</summary>
    public void Completed(string job, CheckpointRecord record)
    {
        if (_jobs.TryGetValue(job, out var entry))
        {
            entry.RestoreFrom = record;
        }
    }

    internal sealed class Entry(JobGraph plan, TimeProvider clock, int restartLog, PoisonedKeyGroups poisoned)
    {
        private readonly object _warnGate = new();
        private long _lastStoreWarning;
        private int _quietStoreWarnings;

        public JobGraph Plan { get; } = plan;

        public TimeProvider Clock { get; } = clock;

        /// <summary><see cref="JobRunnerOptions.KeyGroupRestartLog"/>.</summary>
        public int RestartLog { get; } = restartLog;

        public CheckpointRecord? RestoreFrom { get; set; }

        /// <summary>Batch mode: the end of the input fires the key groups' pending processing-time timers too.</summary>
        public bool EndsProcessingTime { get; init; }

        /// <summary><see cref="JobRunnerOptions.AllowNonRestoredState"/>.</summary>
        public bool AllowNonRestoredState { get; init; }

        /// <summary>Key groups whose next incarnation isolates failed firings (see <see cref="PoisonedKeyGroups"/>).</summary>
        public PoisonedKeyGroups Poisoned { get; } = poisoned;

        public SnapshotRestorePoint? RestorePointFor(int keyGroup) => RestoreFrom?.RestorePointFor(keyGroup);

        /// <summary>
        /// Whether a key group starting now should warn that the store could not be read: the first time, then at most
        /// every 30 s (128 key groups start at each failover, and the store is as unreachable for each); else counts it in
        /// <paramref name="quiet"/>, the key groups since the last warning, which the next warning names.
        /// </summary>
        public bool WarnStoreUnreadable(out int quiet)
        {
            lock (_warnGate)
            {
                var now = Environment.TickCount64;
                if (_lastStoreWarning != 0 && now - _lastStoreWarning < 30_000)
                {
                    _quietStoreWarnings++;
                    quiet = 0;
                    return false;
                }

                _lastStoreWarning = now;
                quiet = _quietStoreWarnings;
                _quietStoreWarnings = 0;
                return true;
            }
        }
    }

    public sealed class Provider : ExtensionIdProvider<JobRegistry>
    {
        public override JobRegistry CreateExtension(ExtendedActorSystem system) => new();
    }
}
