using System.Buffers;
using ActorFlow.Operators.Serialization;

namespace ActorFlow.Operators.Internal;

/// <summary>
/// The versioned header of every operator snapshot: magic "AFOP", format version, operator kind. Version 2 writes each
/// keyed-state value length-prefixed (<see cref="StateTableFormat"/>); version 3 (2026-12-07) starts each keyed-state
/// section with the state's kind and whether it had a TTL, so a build that reads version 2 at most refuses it instead of
/// reading the header as an empty state; versions 1 and 2 are still read.
/// </summary>
internal static class SnapshotFormat
{
    public const int Magic = 0x504F4641; // "AFOP" little-endian
    public const int Version = 3;

    /// <summary>The oldest format version this build reads.</summary>
    public const int OldestReadableVersion = 1;

    public const byte WindowOperator = 1;
    public const byte KeyedProcessOperator = 2;
    public const byte WindowJoinOperator = 3;
    public const byte IntervalJoinOperator = 4;
    public const byte KeyedBroadcastProcessOperator = 5;

    private static string KindName(int kind) => kind switch
    {
        WindowOperator => "window operator",
        KeyedProcessOperator => "keyed process function",
        WindowJoinOperator => "window join",
        IntervalJoinOperator => "interval join",
        KeyedBroadcastProcessOperator => "keyed broadcast process function",
        _ => $"operator of kind {kind}",
    };

    public static void WriteHeader(StateWriter writer, byte kind)
    {
        writer.WriteInt32(Magic);
        writer.WriteInt32(Version);
        writer.WriteByte(kind);
    }

    /// <returns>The snapshot's format version.</returns>
    public static int ReadHeader(ref StateReader reader, byte expectedKind)
    {
        if (reader.Remaining < 9 || reader.ReadInt32() != Magic)
        {
            throw new InvalidDataException("The bytes are not an ActorFlow operator snapshot (bad magic).");
        }

        var version = reader.ReadInt32();
        if (version < OldestReadableVersion || version > Version)
        {
            throw new InvalidDataException($"Unsupported operator snapshot version {version} (this build reads versions {OldestReadableVersion} to {Version}).");
        }

        var kind = reader.ReadByte();
        if (kind != expectedKind)
        {
            throw new InvalidDataException($"The snapshot is of another kind of operator: a {KindName(kind)}, but this operator is a {KindName(expectedKind)}.");
        }

        return version;
    }

    /// <summary>Writes a length-prefixed section produced by <paramref name="write"/>.</summary>
    public static void WriteSection(StateWriter writer, Action<StateWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new StateWriter(buffer));
        writer.WriteInt32(buffer.WrittenCount);
        writer.WriteRaw(buffer.WrittenSpan);
    }
}
