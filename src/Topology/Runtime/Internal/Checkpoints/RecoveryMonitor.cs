using System.Collections.Concurrent;
using ActorFlow.Persistence.Checkpoints;
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
    private readonly ConcurrentDictionary<string, RestorePin?> _pins = new(StringComparer.Ordinal);

    public static RecoveryMonitor Get(ActorSystem system) => system.WithExtension<RecoveryMonitor, Provider>();

    /// <summary>
    /// The checkpoint key groups of <paramref name="job"/> starting on this node restore instead of the store's latest, or
    /// <c>null</c>: see <see cref="RestorePin"/>.
    /// </summary>
    public RestorePin? PinOf(string job) => _pins.TryGetValue(job, out var pin) ? pin : null;

    public void Pin(string job, RestorePin? pin) => _pins[job] = pin;

    /// <summary>
    /// Pins this node's key groups of <paramref name="job"/> to <paramref name="restoreFrom"/> when the start chose it
    /// (<paramref name="options"/>' <see cref="JobRunnerOptions.RestoreCheckpointId"/>), else unpins them.
    /// </summary>
    /// <param name="store">The job's checkpoint store.</param>
    /// <param name="job">The job.</param>
    /// <param name="options">The start's options.</param>
    /// <param name="restoreFrom">The checkpoint the start restores.</param>
    /// <param name="storedIds">The store's checkpoint ids now, when the caller has read them already.</param>
    public async Task PinAsync(ICheckpointStore store, string job, JobRunnerOptions options, CheckpointRecord? restoreFrom, IReadOnlyList<long>? storedIds = null) =>
        Pin(job, options.RestoreCheckpointId is null
            ? null
            : RestorePin.Create(restoreFrom, storedIds ?? await store.ListIdsAsync(job).ConfigureAwait(false)));

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

    /// <summary>
    /// A start from a chosen checkpoint (<see cref="JobRunnerOptions.RestoreCheckpointId"/>) on this node, the start node
    /// or a hosting one: its key groups restore <see cref="Record"/>, not the store's newest record (corrupt, or what the
    /// user steered away from), until a checkpoint newer than every id the store held at the pin (<see cref="Ceiling"/>)
    /// completes, as Flink adds a checkpoint restored with -s to the job's completed checkpoints.
    /// </summary>
    internal sealed record RestorePin(CheckpointRecord? Record, long Ceiling)
    {
        /// <summary>The pin for a start from <paramref name="record"/>, above <paramref name="storedIds"/>, the store's ids now.</summary>
        public static RestorePin Create(CheckpointRecord? record, IReadOnlyList<long> storedIds) =>
            new(record, storedIds.Count == 0 ? 0 : storedIds.Max());

        /// <summary>The checkpoint a key group starting now restores: the store's newest when newer than the pin, else the pinned one.</summary>
        public CheckpointRecord? Choose(Func<CheckpointRecord?> newest)
        {
            try
            {
                return newest() is { } latest && latest.CheckpointId > Ceiling ? latest : Record;
            }
            catch (CorruptCheckpointException)
            {
                return Record; // the newest record is the corrupt one the start steered away from
            }
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
