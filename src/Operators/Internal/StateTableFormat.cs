using ActorFlow.Operators.Serialization;

namespace ActorFlow.Operators.Internal;

/// <summary>
/// Layout of one keyed state's snapshot section (format version 2): <c>int32 count</c>, then per entry the key,
/// the namespace (start, end), the last access time and the value, length-prefixed (<c>int32 length</c> + bytes) so
/// that restored state can be cleaned up and merged before its value serializer is known (see
/// <see cref="PendingStateTable{TKey}"/>). A value written as <see cref="DeferredMerge"/> is a session merge that
/// still waits for the state's merge function. Version 1 sections (no length prefixes) are read as
/// <see cref="Legacy"/> sections. Since 2026-12-07 a section starts with <see cref="Kinded"/>, the state's kind
/// (value, list, map, reducing, aggregating) and whether it had a TTL (whether its entries' times mean anything), so
/// that a version of the job that uses the state as another kind fails its restore, as Flink's does, and one that puts a
/// TTL on it counts its entries from then on; sections written before carry neither and are read as before (an entry
/// time of 0 then stands for none).
/// </summary>
internal static class StateTableFormat
{
    /// <summary>In place of the count: a version 1 section follows (count, entries with unprefixed values).</summary>
    public const int Legacy = -1;

    /// <summary>In place of a value length: <c>bool hasOwnValue</c> (+ value), then <c>int32 n</c> values to merge into it, in order.</summary>
    public const int DeferredMerge = -2;

    /// <summary>Before the count: <c>string kind</c> and <c>bool timed</c> follow, then the count (or <see cref="Legacy"/>).</summary>
    public const int Kinded = -3;

    /// <summary>Writes the header of a section of a state of <paramref name="kind"/>, with a TTL or not.</summary>
    public static void WriteHeader(StateWriter writer, string kind, bool timed)
    {
        writer.WriteInt32(Kinded);
        writer.WriteString(kind);
        writer.WriteBoolean(timed);
    }

    /// <summary>
    /// Reads the header a section starts with (kind and timed null when it was written without one) and the count after
    /// it; throws when the kind is not <paramref name="expected"/> (null: any).
    /// </summary>
    public static int ReadHeader(ref StateReader reader, string name, string? expected, out string? kind, out bool? timed)
    {
        var count = reader.ReadInt32();
        kind = null;
        timed = null;
        if (count != Kinded)
        {
            return count;
        }

        kind = reader.ReadString();
        timed = reader.ReadBoolean();
        if (expected is not null && !string.Equals(kind, expected, StringComparison.Ordinal))
        {
            throw new IncompatibleStateException(
                $"Keyed state '{name}' was snapshotted as {kind} state, but this version of the job uses it as {expected} state: a state cannot change its kind (Flink refuses it too). Give the new state another name, or drop the old one with AllowNonRestoredState.");
        }

        return reader.ReadInt32();
    }
}
