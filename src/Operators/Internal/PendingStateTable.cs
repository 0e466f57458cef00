using System.Buffers;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>
/// One keyed state restored from a snapshot whose descriptor user code has not asked for again: its values stay
/// serialized (their serializer and merge function come only with the descriptor), but window cleanup and session
/// merges apply to it as they would to the registered state, so a restored operator continues exactly as the
/// original would have. A merge waits as a <see cref="StateTableFormat.DeferredMerge"/> entry and is done with the
/// state's merge function when the state is registered (merge functions are assumed associative, as in Flink).
/// State in a version 1 section cannot be split into entries and keeps the version 1 behaviour: it is restored as
/// it was snapshotted. The TTL of pending entries is unknown too: an entry that expired while pending is dropped when
/// the state is registered and read, and a session merge of pending state includes entries that had expired.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
internal sealed class PendingStateTable<TKey>
{
    private readonly byte[]? _legacy;
    private readonly string? _kind;
    private readonly bool _timed;
    private readonly Dictionary<StateKey<TKey>, RawEntry> _entries = new();

    private PendingStateTable(byte[]? legacy, string? kind = null, bool timed = false)
    {
        _legacy = legacy;
        _kind = kind;
        _timed = timed;
    }

    /// <summary>Reads one state's snapshot section.</summary>
    /// <param name="section">The section's bytes.</param>
    /// <param name="keySerializer">The key serializer.</param>
    /// <param name="legacyLayout">Whether the snapshot is of format version 1.</param>
    /// <returns>The pending state.</returns>
    public static PendingStateTable<TKey> Read(ReadOnlySpan<byte> section, ITypeSerializer<TKey> keySerializer, bool legacyLayout)
    {
        var reader = new StateReader(section);
        var count = StateTableFormat.ReadHeader(ref reader, string.Empty, null, out var kind, out var timed);
        if (legacyLayout)
        {
            return new PendingStateTable<TKey>(section.ToArray());
        }

        if (count == StateTableFormat.Legacy)
        {
            return new PendingStateTable<TKey>(reader.ReadRaw(reader.Remaining).ToArray());
        }

        var table = new PendingStateTable<TKey>(null, kind, timed ?? false);
        for (var i = 0; i < count; i++)
        {
            var key = keySerializer.Read(ref reader);
            var start = reader.ReadInt64();
            var window = new TimeWindow(start, reader.ReadInt64());
            var entry = new RawEntry { LastAccess = reader.ReadInt64() };
            var length = reader.ReadInt32();
            if (length != StateTableFormat.DeferredMerge)
            {
                entry.Own = reader.ReadRaw(length).ToArray();
            }
            else
            {
                entry.Own = reader.ReadBoolean() ? reader.ReadRaw(reader.ReadInt32()).ToArray() : null;
                var sources = reader.ReadInt32();
                entry.Merged = new List<byte[]>(sources);
                for (var j = 0; j < sources; j++)
                {
                    entry.Merged.Add(reader.ReadRaw(reader.ReadInt32()).ToArray());
                }
            }

            table._entries[new StateKey<TKey>(key, window)] = entry;
        }

        return table;
    }

    /// <summary>Gets the number of entries (a version 1 section starts with its count).</summary>
    public int Count => _legacy is null ? _entries.Count : new StateReader(_legacy).ReadInt32();

    /// <summary>Drops the entry of one (key, namespace), as <see cref="StateTableBase{TKey}.Remove"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="ns">The namespace.</param>
    public void Remove(TKey key, TimeWindow ns) => _entries.Remove(new StateKey<TKey>(key, ns));

    /// <summary>Moves the entries of <paramref name="sources"/> into <paramref name="target"/>, as
    /// <see cref="StateTableBase{TKey}.MergeNamespaces"/> does once the merge function is known.</summary>
    /// <param name="key">The key.</param>
    /// <param name="target">The merged window.</param>
    /// <param name="sources">The windows merged into it.</param>
    public void MergeNamespaces(TKey key, TimeWindow target, List<TimeWindow> sources)
    {
        var targetKey = new StateKey<TKey>(key, target);
        _entries.TryGetValue(targetKey, out var merged);
        foreach (var source in sources)
        {
            if (source == target || !_entries.Remove(new StateKey<TKey>(key, source), out var value))
            {
                continue;
            }

            if (merged is null)
            {
                merged = new RawEntry();
                _entries.Add(targetKey, merged);
            }

            merged.Merged ??= [];
            if (value.Own is not null)
            {
                merged.Merged.Add(value.Own);
            }

            if (value.Merged is not null)
            {
                merged.Merged.AddRange(value.Merged);
            }
        }
    }

    /// <summary>Writes the state's snapshot section body (as the registered state would, merges still waiting aside).</summary>
    /// <param name="writer">The section writer.</param>
    /// <param name="keySerializer">The key serializer.</param>
    public void Snapshot(StateWriter writer, ITypeSerializer<TKey> keySerializer)
    {
        if (_legacy is not null)
        {
            writer.WriteInt32(StateTableFormat.Legacy);
            writer.WriteRaw(_legacy);
            return;
        }

        if (_kind is not null)
        {
            StateTableFormat.WriteHeader(writer, _kind, _timed);
        }

        writer.WriteInt32(_entries.Count);
        foreach (var (key, entry) in _entries)
        {
            keySerializer.Write(writer, key.Key);
            writer.WriteInt64(key.Namespace.Start);
            writer.WriteInt64(key.Namespace.End);
            writer.WriteInt64(entry.LastAccess);
            if (entry.Merged is null)
            {
                writer.WriteInt32(entry.Own!.Length);
                writer.WriteRaw(entry.Own);
                continue;
            }

            writer.WriteInt32(StateTableFormat.DeferredMerge);
            writer.WriteBoolean(entry.Own is not null);
            if (entry.Own is not null)
            {
                writer.WriteBytes(entry.Own);
            }

            writer.WriteInt32(entry.Merged.Count);
            foreach (var value in entry.Merged)
            {
                writer.WriteBytes(value);
            }
        }
    }

    /// <summary>Hands the entries to the state's table, now registered.</summary>
    /// <param name="table">The registered table.</param>
    /// <param name="keySerializer">The key serializer.</param>
    public void RestoreInto(StateTableBase<TKey> table, ITypeSerializer<TKey> keySerializer)
    {
        var buffer = new ArrayBufferWriter<byte>();
        Snapshot(new StateWriter(buffer), keySerializer);
        var reader = new StateReader(buffer.WrittenSpan);
        table.Restore(ref reader, keySerializer, legacyLayout: false);
    }

    private sealed class RawEntry
    {
        public long LastAccess;

        /// <summary>The serialized value of the entry's own namespace, or <c>null</c> when it had none before a merge.</summary>
        public byte[]? Own;

        /// <summary>Values of merged-away namespaces still to be merged into <see cref="Own"/>, in order.</summary>
        public List<byte[]>? Merged;
    }
}
