using System.Buffers.Binary;
using System.Collections.Immutable;
using System.IO.Hashing;
using System.Text;

namespace ActorFlow.Persistence.Checkpoints;

/// <summary>
/// The stored binary form of a <see cref="CheckpointRecord"/>: magic <c>AFCK</c>, a format version byte, the
/// fields (length-prefixed UTF-8 strings, little-endian integers), then a CRC-32 of everything before it.
/// Version 2 appends the state checkpoint id (a record of a job started from a savepoint); a record without one is
/// still written as version 1. Version 3 (a record with a watermark) appends a flag and the state checkpoint id when
/// the flag is set, then the watermark. Version 4 (a record with a duration) is version 3 followed by the duration.
/// Version 5 (a record that names every assigned partition, <see cref="CheckpointRecord.NamesAssignedPartitions"/>) is
/// version 3 followed by a flag and the duration when the flag is set, then a byte of flags (bit 0: names every
/// assigned partition). A reader accepts all five and rejects unknown versions rather than guess.
/// </summary>
internal static class CheckpointRecordFormat
{
    /// <summary>The newest version <see cref="Write"/> writes and <see cref="Read"/> reads.</summary>
    public const byte CurrentVersion = 5;

    /// <summary>The format version of stored bytes (1 to 5).</summary>
    public static byte VersionOf(byte[] bytes) => bytes[Magic.Length];

    private static readonly byte[] Magic = "AFCK"u8.ToArray();

    /// <summary>Serializes the record (without the job id, which is stored in its own column).</summary>
    public static byte[] Write(CheckpointRecord record)
    {
        using var stream = new MemoryStream(256);
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            // The oldest version that holds the record's fields: a record without the newer fields stays readable by
            // older builds.
            var version = record.NamesAssignedPartitions ? (byte)5
                : record.DurationMs is not null ? (byte)4
                : record.Watermark != long.MinValue ? (byte)3
                : record.StateCheckpointId is null ? (byte)1 : (byte)2;
            w.Write(version);
            w.Write(record.CheckpointId);
            w.Write(record.TimestampMs);
            w.Write(record.IsSavepoint);
            w.Write(record.SavepointName is not null);
            w.Write(record.SavepointName ?? string.Empty);
            var offsets = record.Offsets.IsDefault ? [] : record.Offsets;
            w.Write7BitEncodedInt(offsets.Length);
            foreach (var o in offsets)
            {
                w.Write(o.Topic);
                w.Write(o.Partition);
                w.Write(o.Offset);
            }

            var sinks = record.SinkTransactionIds ?? ImmutableDictionary<string, string>.Empty;
            w.Write7BitEncodedInt(sinks.Count);
            foreach (var (sink, transactionId) in sinks.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                w.Write(sink);
                w.Write(transactionId);
            }

            var groups = record.KeyGroups.IsDefault ? [] : record.KeyGroups;
            w.Write7BitEncodedInt(groups.Length);
            foreach (var g in groups)
            {
                w.Write(g.KeyGroup);
                w.Write(g.SnapshotSequenceNr);
                w.Write(g.StateSizeBytes);
            }

            if (version >= 3)
            {
                w.Write(record.StateCheckpointId is not null);
            }

            if (record.StateCheckpointId is { } stateCheckpointId)
            {
                w.Write(stateCheckpointId);
            }

            if (version >= 3)
            {
                w.Write(record.Watermark);
            }

            if (version >= 5)
            {
                w.Write(record.DurationMs is not null);
            }

            if (record.DurationMs is { } duration)
            {
                w.Write(duration);
            }

            if (version >= 5)
            {
                w.Write((byte)(record.NamesAssignedPartitions ? 1 : 0));
            }
        }

        var crc = Crc32.HashToUInt32(stream.GetBuffer().AsSpan(0, (int)stream.Length));
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(crcBytes, crc);
        stream.Write(crcBytes);
        return stream.ToArray();
    }

    /// <summary>Reads a record stored under (<paramref name="jobId"/>, <paramref name="checkpointId"/>).</summary>
    /// <exception cref="CorruptCheckpointException">The bytes are damaged, of an unknown version, or of another checkpoint.</exception>
    public static CheckpointRecord Read(string jobId, long checkpointId, byte[] bytes)
    {
        if (bytes.Length < Magic.Length + 1 + 4 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new CorruptCheckpointException(jobId, checkpointId, "the record does not start with the ActorFlow checkpoint header.");
        }

        var version = bytes[Magic.Length];
        if (version is < 1 or > CurrentVersion)
        {
            throw new CorruptCheckpointException(
                jobId, checkpointId, $"format version {version} is unknown (this build reads version {CurrentVersion}).");
        }

        var body = bytes.AsSpan(0, bytes.Length - 4);
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(bytes.Length - 4)))
        {
            throw new CorruptCheckpointException(jobId, checkpointId, "the CRC-32 checksum does not match.");
        }

        try
        {
            return ReadBody(jobId, checkpointId, version, new MemoryStream(bytes, Magic.Length + 1, bytes.Length - Magic.Length - 1 - 4));
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or FormatException or ArgumentException)
        {
            throw new CorruptCheckpointException(jobId, checkpointId, e.Message, e);
        }
    }

    private static CheckpointRecord ReadBody(string jobId, long checkpointId, byte version, MemoryStream stream)
    {
        using var r = new BinaryReader(stream, Encoding.UTF8);
        var storedId = r.ReadInt64();
        if (storedId != checkpointId)
        {
            throw new CorruptCheckpointException(jobId, checkpointId, $"the record holds checkpoint id {storedId}.");
        }

        var timestamp = r.ReadInt64();
        var isSavepoint = r.ReadBoolean();
        var hasName = r.ReadBoolean();
        var name = r.ReadString();
        var offsets = ImmutableArray.CreateBuilder<TopicPartitionOffset>(ReadCount(r));
        for (var i = 0; i < offsets.Capacity; i++)
        {
            offsets.Add(new TopicPartitionOffset(r.ReadString(), r.ReadInt32(), r.ReadInt64()));
        }

        var sinkCount = ReadCount(r);
        var sinks = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < sinkCount; i++)
        {
            sinks[r.ReadString()] = r.ReadString();
        }

        var groups = ImmutableArray.CreateBuilder<KeyGroupSnapshotInfo>(ReadCount(r));
        for (var i = 0; i < groups.Capacity; i++)
        {
            groups.Add(new KeyGroupSnapshotInfo(r.ReadInt32(), r.ReadInt64(), r.ReadInt64()));
        }

        long? stateCheckpointId = version switch
        {
            1 => null,
            2 => r.ReadInt64(),
            _ => r.ReadBoolean() ? r.ReadInt64() : null,
        };
        var watermark = version >= 3 ? r.ReadInt64() : long.MinValue;
        long? duration = version switch
        {
            < 4 => null,
            4 => r.ReadInt64(),
            _ => r.ReadBoolean() ? r.ReadInt64() : null,
        };
        var flags = version >= 5 ? r.ReadByte() : 0;
        if ((flags & ~1) != 0)
        {
            throw new FormatException($"unknown flags {flags:X2} (this build knows bit 0).");
        }
        if (stream.Position != stream.Length)
        {
            throw new FormatException("unexpected bytes after the record.");
        }

        return new CheckpointRecord(
            jobId, checkpointId, timestamp, offsets.MoveToImmutable(), sinks.ToImmutable(), groups.MoveToImmutable(),
            isSavepoint, hasName ? name : null, stateCheckpointId, watermark)
        { DurationMs = duration, NamesAssignedPartitions = (flags & 1) != 0 };
    }

    private static int ReadCount(BinaryReader r)
    {
        var count = r.Read7BitEncodedInt();
        return count is >= 0 and <= 10_000_000 ? count : throw new FormatException($"invalid element count {count}.");
    }
}
