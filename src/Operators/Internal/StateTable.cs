using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>One named keyed state: entries per (key, namespace).</summary>
internal abstract class StateTableBase<TKey>
{
    protected StateTableBase(string name, string kind)
    {
        Name = name;
        Kind = kind;
    }

    public string Name { get; }

    public string Kind { get; }

    /// <summary>Gets the number of entries (expired ones not dropped yet included).</summary>
    public abstract int Count { get; }

    public abstract void Snapshot(StateWriter writer, ITypeSerializer<TKey> keySerializer);

    /// <summary>Replaces all entries with a snapshot section (<see cref="StateTableFormat"/>).</summary>
    /// <param name="reader">The section.</param>
    /// <param name="keySerializer">The key serializer.</param>
    /// <param name="legacyLayout">Whether the section is in the version 1 layout (values not length-prefixed).</param>
    public abstract void Restore(ref StateReader reader, ITypeSerializer<TKey> keySerializer, bool legacyLayout);

    public abstract void Remove(TKey key, TimeWindow ns);

    /// <summary>The keys with a live entry outside any window, each once.</summary>
    public abstract List<TKey> LiveKeys();

    /// <summary>Moves the entries of <paramref name="sources"/> into <paramref name="target"/> (sessions merging):
    /// merged when the state kind can merge (list, reducing, aggregating), dropped otherwise (value, map).</summary>
    public abstract void MergeNamespaces(TKey key, TimeWindow target, List<TimeWindow> sources);
}

/// <summary>Entries of one state, with optional TTL (processing time of the backend's clock).</summary>
internal sealed class StateTable<TKey, TValue> : StateTableBase<TKey>
{
    // The time of an entry restored without one (written while the state had no TTL) under a TTL now: it counts from the
    // first time the table reads the clock for it (the processing time of the input that asks for it, or a snapshot's),
    // as Flink migrates state that gains a TTL.
    private const long Untimed = long.MinValue;

    private readonly Dictionary<StateKey<TKey>, Entry> _entries = new();
    private readonly ITypeSerializer<TValue> _serializer;
    private readonly TimeProvider _clock;
    private readonly long _ttl;
    private readonly bool _touchOnRead;
    private readonly Func<TValue, TValue, TValue>? _merge;
    private readonly Func<TValue, long, bool>? _pruneExpired;

    // pruneExpired: for values whose parts expire on their own (a TTL'd list's elements, a map's entries), drops the
    // parts written up to the given time in place and tells whether none is left; run at each snapshot.
    public StateTable(string name, string kind, ITypeSerializer<TValue> serializer, StateTtlConfig? ttl, TimeProvider clock, Func<TValue, TValue, TValue>? merge = null, Func<TValue, long, bool>? pruneExpired = null)
        : base(name, kind)
    {
        _merge = merge;
        _pruneExpired = pruneExpired;
        _serializer = serializer;
        _clock = clock;
        _ttl = ttl?.TtlMillis ?? 0;
        _touchOnRead = ttl?.UpdateType == StateTtlUpdateType.OnReadAndWrite;
    }

    public override int Count => _entries.Count;

    public bool TryGet(in StateKey<TKey> key, out TValue value)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
        if (Unsafe.IsNullRef(ref entry))
        {
            value = default!;
            return false;
        }

        if (_ttl > 0)
        {
            var now = Now();
            if (entry.LastAccess == Untimed)
            {
                entry.LastAccess = now;
            }

            if (now - entry.LastAccess >= _ttl)
            {
                _entries.Remove(key);
                value = default!;
                return false;
            }

            if (_touchOnRead)
            {
                entry.LastAccess = now;
            }
        }

        value = entry.Value;
        return true;
    }

    public void Set(in StateKey<TKey> key, TValue value)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_entries, key, out _);
        entry.Value = value;
        if (_ttl > 0)
        {
            entry.LastAccess = Now();
        }
    }

    public bool Remove(in StateKey<TKey> key) => _entries.Remove(key);

    public override void Remove(TKey key, TimeWindow ns) => _entries.Remove(new StateKey<TKey>(key, ns));

    public override List<TKey> LiveKeys()
    {
        var now = _ttl > 0 ? Now() : 0;
        var keys = new List<TKey>();
        foreach (var (key, entry) in _entries)
        {
            if (key.Namespace == StateNamespace.None && (_ttl == 0 || entry.LastAccess == Untimed || now - entry.LastAccess < _ttl))
            {
                keys.Add(key.Key);
            }
        }

        return keys;
    }

    public override void MergeNamespaces(TKey key, TimeWindow target, List<TimeWindow> sources)
    {
        var targetKey = new StateKey<TKey>(key, target);
        var has = TryGet(targetKey, out var merged);
        foreach (var source in sources)
        {
            var sourceKey = new StateKey<TKey>(key, source);
            if (source == target || !TryGet(sourceKey, out var value))
            {
                continue;
            }

            _entries.Remove(sourceKey);
            if (_merge is not null)
            {
                merged = has ? _merge(merged, value) : value;
                has = true;
            }
        }

        if (has && _merge is not null)
        {
            Set(targetKey, merged);
        }
    }

    public override void Snapshot(StateWriter writer, ITypeSerializer<TKey> keySerializer)
    {
        var now = _ttl > 0 ? Now() : 0;
        if (_ttl > 0)
        {
            // Expired entries leave memory here, not only when their key is read again (a key never seen again kept its
            // state for good): as Flink's full-snapshot cleanup. Removing while enumerating is safe for Dictionary.
            foreach (var key in _entries.Keys)
            {
                ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_entries, key);
                if (entry.LastAccess == Untimed)
                {
                    entry.LastAccess = now; // restored without a time: it counts from here
                }

                if (now - entry.LastAccess >= _ttl || (_pruneExpired is not null && _pruneExpired(entry.Value, now - _ttl)))
                {
                    _entries.Remove(key);
                }
            }
        }

        var live = _entries.Count;
        StateTableFormat.WriteHeader(writer, Kind, timed: _ttl > 0);
        writer.WriteInt32(live);
        if (live == 0)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        var valueWriter = new StateWriter(buffer);
        foreach (var (key, entry) in _entries)
        {
            keySerializer.Write(writer, key.Key);
            writer.WriteInt64(key.Namespace.Start);
            writer.WriteInt64(key.Namespace.End);
            writer.WriteInt64(entry.LastAccess);
            buffer.ResetWrittenCount();
            _serializer.Write(valueWriter, entry.Value);
            writer.WriteInt32(buffer.WrittenCount);
            writer.WriteRaw(buffer.WrittenSpan);
        }
    }

    public override void Restore(ref StateReader reader, ITypeSerializer<TKey> keySerializer, bool legacyLayout)
    {
        _entries.Clear();
        var count = StateTableFormat.ReadHeader(ref reader, Name, Kind, out _, out var timed);
        if (!legacyLayout && count == StateTableFormat.Legacy)
        {
            legacyLayout = true;
            count = reader.ReadInt32();
        }

        // Entries written while the state had no TTL carry no time (a section that says so, or 0 in one of an earlier
        // build): under a TTL now they count from their first use (Untimed). Read as written in 1970, all had expired.
        for (var i = 0; i < count; i++)
        {
            var key = keySerializer.Read(ref reader);
            var start = reader.ReadInt64();
            var end = reader.ReadInt64();
            var lastAccess = reader.ReadInt64();
            if (_ttl > 0 && (timed == false || (timed is null && lastAccess == 0)))
            {
                lastAccess = Untimed;
            }

            var stateKey = new StateKey<TKey>(key, new TimeWindow(start, end));
            if (legacyLayout)
            {
                _entries[stateKey] = new Entry { Value = Read(ref reader), LastAccess = lastAccess };
                continue;
            }

            var length = reader.ReadInt32();
            if (length != StateTableFormat.DeferredMerge)
            {
                _entries[stateKey] = new Entry { Value = ReadValue(reader.ReadRaw(length)), LastAccess = lastAccess };
                continue;
            }

            // a session merge done while this state was not registered: replay it as MergeNamespaces would have done it
            var has = reader.ReadBoolean();
            var merged = has ? ReadValue(reader.ReadRaw(reader.ReadInt32())) : default!;
            var sources = reader.ReadInt32();
            for (var j = 0; j < sources; j++)
            {
                var value = ReadValue(reader.ReadRaw(reader.ReadInt32()));
                if (_merge is not null)
                {
                    merged = has ? _merge(merged, value) : value;
                    has = true;
                }
            }

            if (has)
            {
                _entries[stateKey] = new Entry { Value = merged, LastAccess = lastAccess };
            }
        }
    }

    private TValue ReadValue(ReadOnlySpan<byte> bytes)
    {
        var reader = new StateReader(bytes);
        var value = Read(ref reader);
        if (reader.Remaining != 0)
        {
            // Bytes left over: the value was written by another type (a long read as an int reads half of it).
            throw new IncompatibleStateException(
                $"Keyed state '{Name}' ({Kind}): a value of {bytes.Length} bytes was read using only {bytes.Length - reader.Remaining} of them: the state's type changed since the snapshot. Use a serializer that reads the old bytes (Serializers.Versioned, Avro state), or give the new state another name.");
        }

        return value;
    }

    /// <summary>A restored value; a serializer that cannot read it (past its end, a version it does not know) fails as incompatible state.</summary>
    private TValue Read(ref StateReader reader)
    {
        try
        {
            return _serializer.Read(ref reader);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not IncompatibleStateException)
        {
            throw new IncompatibleStateException(
                $"Keyed state '{Name}' ({Kind}): a restored value cannot be read by this version's serializer ({e.GetType().Name}: {e.Message}): the state's type changed since the snapshot. Use a serializer that reads the old bytes (Serializers.Versioned, Avro state), or give the new state another name.",
                e);
        }
    }

    private long Now() => _clock.GetUtcNow().ToUnixTimeMilliseconds();

    private struct Entry
    {
        public TValue Value;
        public long LastAccess;
    }
}
