using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Serialization;

namespace ActorFlow.Persistence.Snapshots;

/// <summary>
/// INTERNAL API. Compact binary serializer (id 7101) for <see cref="KeyGroupSnapshot"/> (manifest <c>KGS1</c>:
/// checkpoint id, key group, state, CRC-32) and <see cref="CheckpointMarker"/> (manifest <c>CPM1</c>: checkpoint
/// id). All integers little-endian. A new layout gets a new manifest; old manifests stay readable.
/// </summary>
internal sealed class PersistenceMessageSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id.</summary>
    public const int SerializerId = 7101;

    private const string SnapshotManifest = "KGS1";
    private const string MarkerManifest = "CPM1";
    private const int SnapshotHeader = 8 + 4 + 4;

    /// <summary>Creates the serializer (Akka calls this).</summary>
    /// <param name="system">The actor system.</param>
    public PersistenceMessageSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        KeyGroupSnapshot => SnapshotManifest,
        CheckpointMarker => MarkerManifest,
        _ => throw new ArgumentException($"Cannot serialize {o?.GetType()} with {nameof(PersistenceMessageSerializer)}."),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        switch (obj)
        {
            case KeyGroupSnapshot s:
                var bytes = new byte[SnapshotHeader + s.State.Length + 4];
                BinaryPrimitives.WriteInt64LittleEndian(bytes, s.CheckpointId);
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), s.KeyGroup);
                BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), s.State.Length);
                s.State.CopyTo(bytes.AsSpan(SnapshotHeader));
                var crc = Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4));
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4), crc);
                return bytes;
            case CheckpointMarker m:
                var marker = new byte[8];
                BinaryPrimitives.WriteInt64LittleEndian(marker, m.CheckpointId);
                return marker;
            default:
                throw new ArgumentException($"Cannot serialize {obj?.GetType()} with {nameof(PersistenceMessageSerializer)}.");
        }
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        switch (manifest)
        {
            case SnapshotManifest:
                if (bytes.Length < SnapshotHeader + 4)
                {
                    throw new SerializationException($"Key-group snapshot is truncated ({bytes.Length} bytes).");
                }

                var checkpointId = BinaryPrimitives.ReadInt64LittleEndian(bytes);
                var keyGroup = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
                var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
                var crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4));
                if (length != bytes.Length - SnapshotHeader - 4 || crc != Crc32.HashToUInt32(bytes.AsSpan(0, bytes.Length - 4)))
                {
                    throw new SerializationException(
                        $"Snapshot of key group {keyGroup} for checkpoint {checkpointId} is corrupt (length or CRC-32 mismatch).");
                }

                return new KeyGroupSnapshot(checkpointId, keyGroup, bytes.AsSpan(SnapshotHeader, length).ToArray());
            case MarkerManifest:
                return bytes.Length == 8
                    ? new CheckpointMarker(BinaryPrimitives.ReadInt64LittleEndian(bytes))
                    : throw new SerializationException($"Checkpoint marker has {bytes.Length} bytes, expected 8.");
            default:
                throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(PersistenceMessageSerializer)}.");
        }
    }
}
