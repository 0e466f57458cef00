using ActorFlow.Persistence.Checkpoints;
using Akka.Actor;
using Akka.Event;
using Akka.Persistence;

namespace ActorFlow.Persistence.Snapshots;

/// <summary>
/// INTERNAL API. Base for the persistent actor that holds one key group's state, snapshotted per checkpoint through
/// Akka.Persistence.Sql. Its state lives only in snapshots, one per checkpoint, each stored at its own sequence
/// number <see cref="SnapshotSequenceNrOf"/> (derived from the checkpoint id), so older snapshots are kept and a
/// restore selects the one of a chosen checkpoint. Nothing is written to the journal (journals of earlier versions
/// hold one <see cref="CheckpointMarker"/> per checkpoint; they are still read and are deleted by the first prune).
/// <list type="bullet">
/// <item>Recovery loads exactly the snapshot named by the <see cref="SnapshotRestorePoint"/> given at construction
/// (from the last complete checkpoint record), never a newer one; with no restore point it starts empty and
/// ignores every stored snapshot. A missing or mismatched snapshot fails recovery with
/// <see cref="SnapshotRestoreException"/> passed to <see cref="OnRestoreFailed"/>, and the actor stops. Otherwise
/// <see cref="OnRestored"/> runs once.</item>
/// <item><see cref="SaveCheckpointSnapshot"/> hands the snapshot to the snapshot store and returns at once: commands
/// go on being processed while it is written (the state was already serialized). It reports
/// <see cref="OnCheckpointSnapshotSaved"/> only after <c>SaveSnapshotSuccess</c> (or
/// <see cref="OnCheckpointSnapshotFailed"/>).</item>
/// </list>
/// The caller must never save two different states under one checkpoint id unless that checkpoint id is not named
/// by any stored checkpoint record (the checkpoint coordinator takes ids above every stored one): a later save of a
/// checkpoint id replaces its snapshot.
/// Derived actors register their own commands in their constructor; do not persist events or handle
/// <c>SnapshotOffer</c>, <c>RecoveryCompleted</c> or snapshot replies yourself.
/// </summary>
internal abstract class CheckpointedKeyGroupActor : ReceivePersistentActor
{
    /// <summary>
    /// Where snapshot sequence numbers start: a checkpoint's snapshot is stored at this plus its checkpoint id, above
    /// every sequence number an earlier version used (one journal marker per checkpoint).
    /// </summary>
    public const long SnapshotSequenceNrBase = 1L << 40;

    // Longer than the snapshot store's call-timeout (reference.conf), so a save in flight is answered before.
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(30);

    private readonly Dictionary<long, (long CheckpointId, long Size)> _pending = [];
    private bool _markersDeleted;
    private bool _stopWhenSettled;
    private ICancelable? _settleTimer;
    private KeyGroupSnapshot? _restored;
    private SnapshotRestoreException? _restoreError;

    /// <summary>Creates the actor.</summary>
    /// <param name="persistenceId">Its persistence id, normally <see cref="PersistenceIds.KeyGroup"/>.</param>
    /// <param name="keyGroup">The key group it holds.</param>
    /// <param name="restorePoint">The snapshot to restore, or <c>null</c> to start empty.</param>
    protected CheckpointedKeyGroupActor(string persistenceId, int keyGroup, SnapshotRestorePoint? restorePoint)
    {
        ArgumentException.ThrowIfNullOrEmpty(persistenceId);
        _ = ActorFlowPersistence.Get(Context.System); // registers the snapshot serializer before recovery
        PersistenceId = persistenceId;
        KeyGroup = keyGroup;
        RestorePoint = restorePoint;
        Recover<SnapshotOffer>(OnSnapshotOffer);
        Recover<CheckpointMarker>(_ => { });
        Recover<RecoveryCompleted>(_ => CompleteRecovery());
        Command<SaveSnapshotSuccess>(OnSaveSnapshotSuccess);
        Command<SaveSnapshotFailure>(OnSaveSnapshotFailure);
        Command<SettleTimedOut>(_ => OnSettleTimedOut());
        Command<DeleteSnapshotsSuccess>(m => Log.Debug("Key group {0}: deleted snapshots {1}", KeyGroup, m.Criteria));
        Command<DeleteSnapshotsFailure>(m => Log.Warning(m.Cause, "Key group {0}: deleting snapshots failed", KeyGroup));
        Command<DeleteMessagesSuccess>(m => Log.Debug("Key group {0}: deleted markers up to {1}", KeyGroup, m.ToSequenceNr));
        Command<DeleteMessagesFailure>(m => Log.Warning(m.Cause, "Key group {0}: deleting markers failed", KeyGroup));
    }

    /// <inheritdoc />
    public override string PersistenceId { get; }

    /// <summary>The key group this actor holds.</summary>
    protected int KeyGroup { get; }

    /// <summary>The snapshot restored at start, or <c>null</c> for an empty start.</summary>
    protected SnapshotRestorePoint? RestorePoint { get; }

    /// <inheritdoc />
    public override Recovery Recovery => RestorePoint is null
        ? new Recovery(SnapshotSelectionCriteria.None)
        : new Recovery(new SnapshotSelectionCriteria(RestorePoint.SequenceNr), RestorePoint.SequenceNr);

    /// <summary>The snapshot sequence number of a checkpoint: <see cref="SnapshotSequenceNrBase"/> plus its id.</summary>
    /// <param name="checkpointId">The checkpoint id (positive).</param>
    /// <returns>The sequence number its snapshots are stored at.</returns>
    public static long SnapshotSequenceNrOf(long checkpointId)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checkpointId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(checkpointId, long.MaxValue - SnapshotSequenceNrBase);
        return SnapshotSequenceNrBase + checkpointId;
    }

    /// <summary>
    /// Stores <paramref name="state"/> as key group <paramref name="keyGroup"/>'s snapshot of
    /// <paramref name="checkpointId"/> under <paramref name="persistenceId"/>, as its actor's
    /// <see cref="SaveCheckpointSnapshot"/> would, from outside the actor: for state kept by whoever ran the key group
    /// in its place (a batch-mode run on the job's node). A later incarnation restores it as any other snapshot.
    /// Completes with its sequence number once it is durable; fails with the snapshot store's cause.
    /// </summary>
    public static async Task<long> SaveSnapshotForAsync(ActorSystem system, string persistenceId, int keyGroup, long checkpointId, byte[] state, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(state);
        _ = ActorFlowPersistence.Get(system); // registers the snapshot serializer
        var sequenceNr = SnapshotSequenceNrOf(checkpointId);
        var metadata = new SnapshotMetadata(persistenceId, sequenceNr, TimeProvider.System.GetUtcNow().UtcDateTime);
        var store = Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null);
        var answer = await store.Ask<object>(new SaveSnapshot(metadata, new KeyGroupSnapshot(checkpointId, keyGroup, state)), timeout).ConfigureAwait(false);
        return answer switch
        {
            SaveSnapshotSuccess => sequenceNr,
            SaveSnapshotFailure failure => throw new InvalidOperationException($"key group {keyGroup}'s snapshot of checkpoint {checkpointId} could not be saved: {failure.Cause.Message}", failure.Cause),
            _ => throw new InvalidOperationException($"key group {keyGroup}'s snapshot of checkpoint {checkpointId}: the snapshot store answered {answer.GetType().Name}"),
        };
    }

    /// <summary>
    /// Deletes the snapshots stored under <paramref name="persistenceId"/> below <paramref name="sequenceNr"/>, as its
    /// actor's <see cref="DeleteSnapshotsBefore(long)"/> would, from outside the actor (fire and forget: a failure is
    /// logged by the snapshot store, and the snapshots go at a later prune).
    /// </summary>
    public static void DeleteSnapshotsBefore(ActorSystem system, string persistenceId, long sequenceNr)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (sequenceNr <= 1)
        {
            return;
        }

        Akka.Persistence.Persistence.Instance.Apply(system).SnapshotStoreFor(null)
            .Tell(new DeleteSnapshots(persistenceId, new SnapshotSelectionCriteria(sequenceNr - 1)), ActorRefs.NoSender);
    }

    /// <summary>
    /// Takes this key group's snapshot for <paramref name="checkpointId"/>: hands <paramref name="state"/> to the
    /// snapshot store at <see cref="SnapshotSequenceNrOf"/> and returns without waiting; the outcome arrives in
    /// <see cref="OnCheckpointSnapshotSaved"/> or <see cref="OnCheckpointSnapshotFailed"/>. Call it when the
    /// checkpoint's barriers are aligned.
    /// </summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="state">The serialized state of all keys of the group (not modified afterwards).</param>
    protected void SaveCheckpointSnapshot(long checkpointId, byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var sequenceNr = SnapshotSequenceNrOf(checkpointId);
        _pending[sequenceNr] = (checkpointId, state.LongLength);
        var metadata = new SnapshotMetadata(PersistenceId, sequenceNr, TimeProvider.System.GetUtcNow().UtcDateTime);
        SnapshotStore.Tell(new SaveSnapshot(metadata, new KeyGroupSnapshot(checkpointId, KeyGroup, state)), Self);
    }

    /// <summary>
    /// Deletes this key group's snapshots below <paramref name="sequenceNr"/> (the snapshot sequence number of the
    /// oldest checkpoint still retained), asynchronously. The first call also deletes the journal markers earlier
    /// versions wrote.
    /// </summary>
    /// <param name="sequenceNr">The oldest snapshot sequence number to keep.</param>
    protected void DeleteSnapshotsBefore(long sequenceNr)
    {
        if (sequenceNr <= 1)
        {
            return;
        }

        DeleteSnapshots(new SnapshotSelectionCriteria(sequenceNr - 1));
        if (!_markersDeleted && LastSequenceNr > 0)
        {
            _markersDeleted = true;
            DeleteMessages(Math.Min(sequenceNr - 1, LastSequenceNr));
        }
    }

    /// <summary>
    /// Stops this actor once every snapshot handed to the store has been reported saved or failed (at once when none
    /// is). A key group that is reset must not stop earlier: a save still in flight could land after its next
    /// incarnation saved the same checkpoint id (aborted checkpoints' ids are taken again) and replace that snapshot.
    /// </summary>
    protected void StopWhenSnapshotsSettled()
    {
        _stopWhenSettled = true;
        if (_pending.Count == 0)
        {
            Context.Stop(Self);
        }
        else
        {
            Log.Debug("Key group {0}: stopping once {1} snapshot save(s) in flight are settled", KeyGroup, _pending.Count);
            // A request the snapshot store lost (it crashed and restarted) is never answered, and never lands either.
            _settleTimer = Context.System.Scheduler.ScheduleTellOnceCancelable(SettleTimeout, Self, SettleTimedOut.Instance, Self);
        }
    }

    /// <summary>Runs once after recovery with the restored snapshot, or <c>null</c> when starting empty.</summary>
    /// <param name="snapshot">The snapshot of <see cref="RestorePoint"/>, or <c>null</c>.</param>
    protected abstract void OnRestored(KeyGroupSnapshot? snapshot);

    /// <summary>The snapshot for a checkpoint is durable; acknowledge the checkpoint from here.</summary>
    /// <param name="saved">The checkpoint id and what to put into its record.</param>
    protected abstract void OnCheckpointSnapshotSaved(CheckpointSnapshotSaved saved);

    /// <summary>Saving the snapshot for a checkpoint failed; the checkpoint must be aborted. Default: logs.</summary>
    /// <param name="checkpointId">The checkpoint.</param>
    /// <param name="cause">The error.</param>
    protected virtual void OnCheckpointSnapshotFailed(long checkpointId, Exception cause) =>
        Log.Error(cause, "Key group {0}: snapshot for checkpoint {1} failed", KeyGroup, checkpointId);

    /// <summary>
    /// The requested snapshot could not be restored (missing, mismatched, or the store failed to load it). The actor
    /// stops after this call, without running <see cref="OnRestored"/>. Default: logs the error. Override to tell the
    /// job, which should restore from an earlier complete checkpoint.
    /// </summary>
    /// <param name="error">What went wrong, naming the key group and checkpoint.</param>
    protected virtual void OnRestoreFailed(SnapshotRestoreException error) => Log.Error(error, "{0}", error.Message);

    /// <inheritdoc />
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        var error = reason as SnapshotRestoreException ?? new SnapshotRestoreException(
            KeyGroup, RestorePoint?.CheckpointId ?? 0, $"recovery failed: {reason.Message}", reason);
        OnRestoreFailed(error);
    }

    private void OnSnapshotOffer(SnapshotOffer offer)
    {
        var expected = RestorePoint;
        if (expected is null)
        {
            _restoreError = new SnapshotRestoreException(KeyGroup, 0, "a snapshot was offered for an empty start.");
            return;
        }

        if (offer.Snapshot is not KeyGroupSnapshot snapshot)
        {
            _restoreError = new SnapshotRestoreException(
                KeyGroup, expected.CheckpointId, $"the snapshot is a {offer.Snapshot?.GetType().Name}, not a KeyGroupSnapshot.");
            return;
        }

        if (offer.Metadata.SequenceNr != expected.SequenceNr || snapshot.CheckpointId != expected.CheckpointId
            || snapshot.KeyGroup != KeyGroup)
        {
            _restoreError = new SnapshotRestoreException(
                KeyGroup,
                expected.CheckpointId,
                $"expected the snapshot at sequence nr {expected.SequenceNr}, found one of checkpoint {snapshot.CheckpointId}, "
                + $"key group {snapshot.KeyGroup} at sequence nr {offer.Metadata.SequenceNr}.");
            return;
        }

        _restored = snapshot;
    }

    private void CompleteRecovery()
    {
        if (_restoreError is null && RestorePoint is { } expected && _restored is null)
        {
            _restoreError = new SnapshotRestoreException(
                KeyGroup, expected.CheckpointId, $"no snapshot found at sequence nr {expected.SequenceNr} (deleted or never saved).");
        }

        if (_restoreError is { } error)
        {
            // Stop rather than throw: a thrown exception would make the supervisor restart the actor into the same failure.
            OnRestoreFailed(error);
            Context.Stop(Self);
            return;
        }

        var restored = _restored;
        _restored = null;
        OnRestored(restored);
    }

    private void OnSaveSnapshotSuccess(SaveSnapshotSuccess success)
    {
        if (_pending.Remove(success.Metadata.SequenceNr, out var p))
        {
            OnCheckpointSnapshotSaved(new CheckpointSnapshotSaved(
                p.CheckpointId, new KeyGroupSnapshotInfo(KeyGroup, success.Metadata.SequenceNr, p.Size)));
        }

        StopIfSettled();
    }

    private void OnSaveSnapshotFailure(SaveSnapshotFailure failure)
    {
        if (_pending.Remove(failure.Metadata.SequenceNr, out var p))
        {
            OnCheckpointSnapshotFailed(p.CheckpointId, failure.Cause);
        }

        StopIfSettled();
    }

    /// <inheritdoc />
    protected override void PostStop()
    {
        _settleTimer?.Cancel();
        base.PostStop();
    }

    private void OnSettleTimedOut()
    {
        if (_stopWhenSettled)
        {
            Log.Warning("Key group {0}: {1} snapshot save(s) unanswered after {2}; stopping anyway", KeyGroup, _pending.Count, SettleTimeout);
            Context.Stop(Self);
        }
    }

    private void StopIfSettled()
    {
        if (_stopWhenSettled && _pending.Count == 0)
        {
            Context.Stop(Self);
        }
    }

    private sealed class SettleTimedOut
    {
        public static readonly SettleTimedOut Instance = new();
    }
}
