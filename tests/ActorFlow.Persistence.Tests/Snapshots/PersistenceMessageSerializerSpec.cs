using System.Runtime.Serialization;
using ActorFlow.Persistence.Snapshots;
using Akka.Actor;

namespace ActorFlow.Persistence.Tests.Snapshots;

public sealed class PersistenceMessageSerializerSpec : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("ser", "akka.loglevel = WARNING");
    private readonly PersistenceMessageSerializer _serializer;

    public PersistenceMessageSerializerSpec() => _serializer = new PersistenceMessageSerializer((ExtendedActorSystem)_system);

    public void Dispose() => _system.Dispose();

    /// <summary>Verify that snapshots and markers round-trip, and a snapshot costs 20 bytes over its state.</summary>
    [Fact]
    public void Round_trips_snapshot_and_marker()
    {
        var snapshot = new KeyGroupSnapshot(long.MaxValue, 127, [1, 2, 3]);
        var bytes = _serializer.ToBinary(snapshot);
        Assert.Equal(3 + 20, bytes.Length);
        var back = Assert.IsType<KeyGroupSnapshot>(_serializer.FromBinary(bytes, _serializer.Manifest(snapshot)));
        Assert.Equal((snapshot.CheckpointId, snapshot.KeyGroup), (back.CheckpointId, back.KeyGroup));
        Assert.Equal(snapshot.State, back.State);
        var marker = new CheckpointMarker(9);
        Assert.Equal(marker, _serializer.FromBinary(_serializer.ToBinary(marker), _serializer.Manifest(marker)));
    }

    /// <summary>Verify that a damaged snapshot fails with the checkpoint and key group named.</summary>
    [Fact]
    public void Corrupt_snapshot_names_checkpoint_and_key_group()
    {
        var bytes = _serializer.ToBinary(new KeyGroupSnapshot(12, 5, new byte[64]));
        bytes[30] ^= 1;
        var e = Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "KGS1"));
        Assert.Contains("key group 5 for checkpoint 12", e.Message, StringComparison.Ordinal);
        Assert.Throws<SerializationException>(() => _serializer.FromBinary([1, 2], "KGS1"));
        Assert.Throws<SerializationException>(() => _serializer.FromBinary(bytes, "nope"));
    }
}
