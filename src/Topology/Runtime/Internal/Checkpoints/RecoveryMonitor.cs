using System.Collections.Concurrent;
using ActorFlow.Persistence.Snapshots;
using Akka.Actor;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Where the key-group entities on this node report whether they restored their snapshot, so a
/// starting job learns of a failure at once. Also remembers the jobs started from a chosen checkpoint
/// (<see cref="JobRunnerOptions.RestoreCheckpointId"/>), whose key groups must not restore the store's latest one.
/// </summary>
internal sealed class RecoveryMonitor : IExtension
{
    private readonly ConcurrentDictionary<string, Watcher> _watches = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _pinned = new(StringComparer.Ordinal);

    public static RecoveryMonitor Get(ActorSystem system) => system.WithExtension<RecoveryMonitor, Provider>();

    /// <summary>Whether key groups of <paramref name="job"/> restore the job's registered checkpoint rather than the store's latest.</summary>
    public bool IsPinned(string job) => _pinned.TryGetValue(job, out var pinned) && pinned;

    public void Pin(string job, bool pinned) => _pinned[job] = pinned;

    public Watcher Watch(string job, IEnumerable<int> keyGroups) => _watches[job] = new Watcher(keyGroups);

    public void Unwatch(string job, Watcher watch) => _watches.TryRemove(new KeyValuePair<string, Watcher>(job, watch));

    public void Restored(string job, int keyGroup)
    {
        if (_watches.TryGetValue(job, out var watch))
        {
            watch.Restored(keyGroup);
        }
    }

    public void Failed(string job, SnapshotRestoreException error)
    {
        if (_watches.TryGetValue(job, out var watch))
        {
            watch.Failed(error);
        }
    }

    internal sealed class Watcher
    {
        private readonly ConcurrentDictionary<int, byte> _pending;
        private readonly TaskCompletionSource _allRestored = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource<SnapshotRestoreException> _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Watcher(IEnumerable<int> keyGroups) => _pending = new(keyGroups.Select(kg => new KeyValuePair<int, byte>(kg, 0)));

        public Task AllRestored => _allRestored.Task;

        public Task<SnapshotRestoreException> FirstFailure => _failed.Task;

        public int Pending => _pending.Count;

        public void Restored(int keyGroup)
        {
            if (_pending.TryRemove(keyGroup, out _) && _pending.IsEmpty)
            {
                _allRestored.TrySetResult();
            }
        }

        public void Failed(SnapshotRestoreException error) => _failed.TrySetResult(error);
    }

    public sealed class Provider : ExtensionIdProvider<RecoveryMonitor>
    {
        public override RecoveryMonitor CreateExtension(ExtendedActorSystem system) => new();
    }
}
