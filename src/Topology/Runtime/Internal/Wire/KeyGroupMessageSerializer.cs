using System.Buffers;
using System.Runtime.Serialization;
using ActorFlow.Operators.Serialization;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;
using Akka.Serialization;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Compact binary serializer (id 7201) for the messages between the job's dispatcher and its key-group
/// entities when they are on different nodes. Every message starts with its job's name; records inside are
/// written with the job's <see cref="JobWireFormat"/> (the typed serializers of the job's
/// <see cref="SerializerRegistry"/>), resolved on the receiving node through <see cref="JobWireFormats"/>.
/// Layouts (integers little-endian, strings UTF-8 with an int32 length; one manifest per layout, a new layout gets a
/// new manifest and old ones stay readable):
/// <list type="bullet">
/// <item><c>KGB4</c> <see cref="KeyGroupBatch"/>: job, key group, source id, sequence, watermark, base snapshot,
/// count, then per record its stage input (a byte 0 = the previous record's, the first record's previous being 0;
/// 1 = an int32 follows), timestamp, the watermark in force when it was read (the same way, the first record's
/// previous being <see cref="long.MinValue"/>), its origin (the same way, a string; the first's previous being null),
/// offset, raw key and value bytes, key, value. <c>KGB3</c> (read only) is KGB4 without the stage input (the first
/// stage's); <c>KGB2</c> (read only) is timestamp, key, value per record; <c>KGB1</c> (read only) is KGB2 without
/// the base snapshot.</item>
/// <item><c>KGR2</c> <see cref="KeyGroupReply"/>: job, key group, sequence, count, then per record kind, timestamp,
/// tag, output, value (see <see cref="JobWireFormat.WriteEmitted"/>). <c>KGR1</c> (read only) has no output (the
/// first stage's).</item>
/// <item><c>KTC1</c> <see cref="TriggerCheckpoint"/>: job, key group, checkpoint id.</item>
/// <item><c>KCK1</c> <see cref="KeyGroupCheckpointed"/>: job, key group, checkpoint id, snapshot sequence nr, state size, error.</item>
/// <item><c>KPS1</c> <see cref="PruneSnapshots"/>: job, key group, sequence nr below which snapshots may go.</item>
/// <item><c>KSL1</c> <see cref="KeyGroupStateLost"/>: job, key group, sequence, reason.</item>
/// <item><c>KRS1</c> <see cref="ResetKeyGroup"/> and <c>KRD1</c> <see cref="KeyGroupReset"/>: job, key group.</item>
/// <item><c>KAR1</c> <see cref="AwaitRestore"/> and <c>KRR1</c> <see cref="KeyGroupRestored"/>: job, key group.</item>
/// </list>
/// </summary>
internal sealed class KeyGroupMessageSerializer : SerializerWithStringManifest
{
    /// <summary>The serializer id (the persistence module's is 7101).</summary>
    public const int SerializerId = 7201;

    private const string BatchManifestV1 = "KGB1";
    private const string BatchManifestV2 = "KGB2";
    private const string BatchManifestV3 = "KGB3";
    private const string BatchManifest = "KGB4";
    private const string ReplyManifestV1 = "KGR1";
    private const string ReplyManifest = "KGR2";
    private const string TriggerManifest = "KTC1";
    private const string CheckpointedManifest = "KCK1";
    private const string PruneManifest = "KPS1";
    private const string LostManifest = "KSL1";
    private const string ResetManifest = "KRS1";
    private const string ResetDoneManifest = "KRD1";
    private const string AwaitRestoreManifest = "KAR1";
    private const string RestoredManifest = "KRR1";

    // What the first record of a batch is compared with: its watermark and origin are written unless the minimum and null.
    private static readonly Routed FirstPrevious = new(-1, string.Empty, null, 0);

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _threadBuffer;

    private readonly ExtendedActorSystem _system;

    /// <summary>Creates the serializer (Akka calls this).</summary>
    public KeyGroupMessageSerializer(ExtendedActorSystem system)
        : base(system) => _system = system;

    /// <inheritdoc />
    public override int Identifier => SerializerId;

    /// <inheritdoc />
    public override string Manifest(object o) => o switch
    {
        KeyGroupBatch => BatchManifest,
        KeyGroupReply => ReplyManifest,
        TriggerCheckpoint => TriggerManifest,
        KeyGroupCheckpointed => CheckpointedManifest,
        PruneSnapshots => PruneManifest,
        KeyGroupStateLost => LostManifest,
        ResetKeyGroup => ResetManifest,
        KeyGroupReset => ResetDoneManifest,
        AwaitRestore => AwaitRestoreManifest,
        KeyGroupRestored => RestoredManifest,
        _ => throw Unknown(o),
    };

    /// <inheritdoc />
    public override byte[] ToBinary(object obj)
    {
        var buffer = _threadBuffer ??= new ArrayBufferWriter<byte>(4096);
        buffer.ResetWrittenCount();
        var writer = new StateWriter(buffer);
        switch (obj)
        {
            case KeyGroupBatch b:
                var batchFormat = Format(b.JobName);
                writer.WriteString(b.JobName);
                writer.WriteInt32(b.KeyGroup);
                writer.WriteString(b.SourceId);
                writer.WriteInt64(b.Sequence);
                writer.WriteInt64(b.Watermark);
                writer.WriteInt64(b.BaseSnapshot);
                writer.WriteInt32(b.Records.Count);
                var previous = FirstPrevious;
                foreach (var record in b.Records)
                {
                    batchFormat.WriteRouted(writer, record, previous);
                    previous = record;
                }

                break;
            case KeyGroupReply r:
                var replyFormat = Format(r.JobName);
                writer.WriteString(r.JobName);
                writer.WriteInt32(r.KeyGroup);
                writer.WriteInt64(r.Sequence);
                writer.WriteInt32(r.Emitted.Count);
                foreach (var emitted in r.Emitted)
                {
                    replyFormat.WriteEmitted(writer, emitted);
                }

                break;
            case TriggerCheckpoint t:
                writer.WriteString(t.JobName);
                writer.WriteInt32(t.KeyGroup);
                writer.WriteInt64(t.CheckpointId);
                break;
            case KeyGroupCheckpointed c:
                writer.WriteString(c.JobName);
                writer.WriteInt32(c.KeyGroup);
                writer.WriteInt64(c.CheckpointId);
                writer.WriteInt64(c.SnapshotSequenceNr);
                writer.WriteInt64(c.StateSizeBytes);
                writer.WriteString(c.Error);
                break;
            case PruneSnapshots p:
                writer.WriteString(p.JobName);
                writer.WriteInt32(p.KeyGroup);
                writer.WriteInt64(p.BeforeSequenceNr);
                break;
            case KeyGroupStateLost l:
                writer.WriteString(l.JobName);
                writer.WriteInt32(l.KeyGroup);
                writer.WriteInt64(l.Sequence);
                writer.WriteString(l.Reason);
                break;
            case ResetKeyGroup r:
                writer.WriteString(r.JobName);
                writer.WriteInt32(r.KeyGroup);
                break;
            case KeyGroupReset r:
                writer.WriteString(r.JobName);
                writer.WriteInt32(r.KeyGroup);
                break;
            case AwaitRestore a:
                writer.WriteString(a.JobName);
                writer.WriteInt32(a.KeyGroup);
                break;
            case KeyGroupRestored r:
                writer.WriteString(r.JobName);
                writer.WriteInt32(r.KeyGroup);
                break;
            default:
                throw Unknown(obj);
        }

        var bytes = buffer.WrittenSpan.ToArray();
        if (buffer.Capacity > 1 << 20)
        {
            _threadBuffer = null; // do not pin a huge buffer to the thread after one big batch
        }

        return bytes;
    }

    /// <inheritdoc />
    public override object FromBinary(byte[] bytes, string manifest)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        try
        {
            var reader = new StateReader(bytes);
            object message = manifest switch
            {
                BatchManifest => ReadBatch(ref reader, version: 4),
                BatchManifestV3 => ReadBatch(ref reader, version: 3),
                BatchManifestV2 => ReadBatch(ref reader, version: 2),
                BatchManifestV1 => ReadBatch(ref reader, version: 1),
                ReplyManifest => ReadReply(ref reader, version: 2),
                ReplyManifestV1 => ReadReply(ref reader, version: 1),
                TriggerManifest => new TriggerCheckpoint(ReadJob(ref reader), reader.ReadInt32(), reader.ReadInt64()),
                CheckpointedManifest => new KeyGroupCheckpointed(
                    ReadJob(ref reader), reader.ReadInt32(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadInt64(), reader.ReadString()),
                PruneManifest => new PruneSnapshots(ReadJob(ref reader), reader.ReadInt32(), reader.ReadInt64()),
                LostManifest => new KeyGroupStateLost(ReadJob(ref reader), reader.ReadInt32(), reader.ReadInt64(), reader.ReadString() ?? ""),
                ResetManifest => new ResetKeyGroup(ReadJob(ref reader), reader.ReadInt32()),
                ResetDoneManifest => new KeyGroupReset(ReadJob(ref reader), reader.ReadInt32()),
                AwaitRestoreManifest => new AwaitRestore(ReadJob(ref reader), reader.ReadInt32()),
                RestoredManifest => new KeyGroupRestored(ReadJob(ref reader), reader.ReadInt32()),
                _ => throw new SerializationException($"Unknown manifest '{manifest}' for {nameof(KeyGroupMessageSerializer)}."),
            };
            return reader.Remaining == 0
                ? message
                : throw new SerializationException($"{manifest}: {reader.Remaining} bytes left after the message.");
        }
        catch (InvalidDataException e)
        {
            throw new SerializationException($"{manifest}: corrupt message: {e.Message}", e);
        }
    }

    private KeyGroupBatch ReadBatch(ref StateReader reader, int version)
    {
        var job = ReadJob(ref reader);
        var format = Format(job);
        var keyGroup = reader.ReadInt32();
        var sourceId = reader.ReadString() ?? throw new InvalidDataException("missing source id");
        var sequence = reader.ReadInt64();
        var watermark = reader.ReadInt64();
        var baseSnapshot = version >= 2 ? reader.ReadInt64() : KeyGroupBatch.BaseNotChecked;
        var records = new List<Routed>(Count(ref reader));
        var previous = FirstPrevious;
        for (var i = records.Capacity; i > 0; i--)
        {
            // Before version 3 a batch had no watermark per record: its records were applied under the key group's own.
            var record = version switch
            {
                >= 4 => format.ReadRouted(ref reader, keyGroup, previous),
                3 => format.ReadRoutedV3(ref reader, keyGroup, previous),
                _ => format.ReadRouted(ref reader, keyGroup),
            };
            records.Add(record);
            previous = record;
        }

        return new KeyGroupBatch(job, keyGroup, sourceId, sequence, records, watermark, baseSnapshot);
    }

    private KeyGroupReply ReadReply(ref StateReader reader, int version)
    {
        var job = ReadJob(ref reader);
        var format = Format(job);
        var keyGroup = reader.ReadInt32();
        var sequence = reader.ReadInt64();
        var emitted = new List<Emitted>(Count(ref reader));
        for (var i = emitted.Capacity; i > 0; i--)
        {
            emitted.Add(format.ReadEmitted(ref reader, version));
        }

        return new KeyGroupReply(job, keyGroup, sequence, emitted);
    }

    private static string ReadJob(ref StateReader reader) => reader.ReadString() ?? throw new InvalidDataException("missing job name");

    private static int Count(ref StateReader reader)
    {
        var count = reader.ReadInt32();
        return count >= 0 && count <= reader.Remaining ? count : throw new InvalidDataException($"invalid record count {count}");
    }

    private JobWireFormat Format(string job) => JobWireFormats.Get(_system).Resolve(job);

    private static ArgumentException Unknown(object? o) =>
        new($"{nameof(KeyGroupMessageSerializer)} cannot serialize {o?.GetType().FullName ?? "null"}: add it to the serializer first.");
}
