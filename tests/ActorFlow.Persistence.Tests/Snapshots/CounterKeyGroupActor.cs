using ActorFlow.Persistence.Snapshots;
using Akka.Actor;

namespace ActorFlow.Persistence.Tests.Snapshots;

/// <summary>A key group whose state is one counter; reports restores and saved snapshots to a probe.</summary>
internal sealed class CounterKeyGroupActor : CheckpointedKeyGroupActor
{
    private readonly IActorRef _probe;
    private long _count;

    public CounterKeyGroupActor(string persistenceId, int keyGroup, SnapshotRestorePoint? restorePoint, IActorRef probe, int stateBytes)
        : base(persistenceId, keyGroup, restorePoint)
    {
        _probe = probe;
        Command<Add>(a => _count += a.Amount);
        Command<TakeCheckpoint>(c =>
        {
            var state = new byte[Math.Max(8, stateBytes)];
            BitConverter.TryWriteBytes(state, _count);
            SaveCheckpointSnapshot(c.CheckpointId, state);
        });
        Command<GetCount>(_ => Sender.Tell(_count));
        Command<DeleteBefore>(d => DeleteSnapshotsBefore(d.SequenceNr));
        Command<StopSettled>(_ => StopWhenSnapshotsSettled());
    }

    public static Props Props(string persistenceId, int keyGroup, SnapshotRestorePoint? restorePoint, IActorRef probe, int stateBytes = 8) =>
        Akka.Actor.Props.Create(() => new CounterKeyGroupActor(persistenceId, keyGroup, restorePoint, probe, stateBytes));

    protected override void OnRestored(KeyGroupSnapshot? snapshot)
    {
        _count = snapshot is null ? 0 : BitConverter.ToInt64(snapshot.State, 0);
        _probe.Tell(new Restored(snapshot?.CheckpointId, _count, LastSequenceNr));
    }

    protected override void OnRestoreFailed(SnapshotRestoreException error) => _probe.Tell(error);

    protected override void OnCheckpointSnapshotSaved(CheckpointSnapshotSaved saved) => _probe.Tell(saved);

    internal sealed record Add(long Amount);

    internal sealed record TakeCheckpoint(long CheckpointId);

    internal sealed record GetCount;

    internal sealed record DeleteBefore(long SequenceNr);

    internal sealed record StopSettled;

    internal sealed record Restored(long? CheckpointId, long Count, long LastSequenceNr);
}
