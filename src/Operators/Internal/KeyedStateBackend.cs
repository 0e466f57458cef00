using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>
/// All keyed state of one operator, for every key: named tables of entries per (key, namespace). The
/// operator sets <see cref="CurrentKey"/> (and <see cref="CurrentWindow"/>) before it calls user code.
/// States restored before they are registered wait serialized (<see cref="PendingStateTable{TKey}"/>) until the user
/// asks for them; window cleanup and session merges apply to them meanwhile.
/// </summary>
internal sealed class KeyedStateBackend<TKey>
{
    private readonly Dictionary<string, StateTableBase<TKey>> _tables = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PendingStateTable<TKey>> _pending = new(StringComparer.Ordinal);
    private readonly ITypeSerializer<TKey> _keySerializer;

    public KeyedStateBackend(ITypeSerializer<TKey> keySerializer, SerializerRegistry serializers, TimeProvider clock)
    {
        _keySerializer = keySerializer;
        Serializers = serializers;
        Clock = clock;
        KeyScope = new KeyedStateStore<TKey>(this, windowScoped: false);
        WindowScope = new KeyedStateStore<TKey>(this, windowScoped: true);
    }

    public TKey CurrentKey
    {
        get;
        set
        {
            field = value;
            HasKey = true;
        }
    } = default!;

    /// <summary>Gets a value indicating whether a key was set (keyed state read or written before any is refused).</summary>
    public bool HasKey { get; private set; }

    /// <summary>Puts back the key context as it was (after visiting other keys).</summary>
    public void RestoreKey(bool hadKey, TKey key)
    {
        CurrentKey = key;
        HasKey = hadKey;
    }

    public TimeWindow CurrentWindow { get; set; } = StateNamespace.None;

    public SerializerRegistry Serializers { get; }

    public TimeProvider Clock { get; }

    public KeyedStateStore<TKey> KeyScope { get; }

    public KeyedStateStore<TKey> WindowScope { get; }

    public bool IsEmpty => _tables.Count == 0;

    /// <summary>Gets the number of entries of every state, registered or restored and not registered yet.</summary>
    public int EntryCount
    {
        get
        {
            var count = 0;
            foreach (var (_, table) in _tables)
            {
                count += table.Count;
            }

            foreach (var (_, pending) in _pending)
            {
                count += pending.Count;
            }

            return count;
        }
    }

    public StateTable<TKey, TValue> GetOrCreateTable<TValue>(string name, string kind, Func<StateTable<TKey, TValue>> create)
    {
        if (_tables.TryGetValue(name, out var existing))
        {
            if (existing.Kind != kind || existing is not StateTable<TKey, TValue> typed)
            {
                throw new InvalidOperationException(
                    $"Keyed state '{name}' is already registered as {existing.Kind}; it cannot also be used as {kind}.");
            }

            return typed;
        }

        var table = create();
        if (_pending.TryGetValue(name, out var pending))
        {
            // Restored first: state the new declaration cannot read stays pending (and in the next snapshot) instead of
            // being replaced by an empty table after the first failure.
            pending.RestoreInto(table, _keySerializer);
            _pending.Remove(name);
        }

        _tables.Add(name, table);
        return table;
    }

    /// <summary>The keys with a live entry of the registered state <paramref name="name"/> (none when it is not registered).</summary>
    public List<TKey> KeysOf(string name) => _tables.TryGetValue(name, out var table) ? table.LiveKeys() : [];

    public void ClearNamespace(TKey key, TimeWindow ns)
    {
        foreach (var (_, table) in _tables)
        {
            table.Remove(key, ns);
        }

        foreach (var (_, pending) in _pending)
        {
            pending.Remove(key, ns);
        }
    }

    public void MergeNamespaces(TKey key, TimeWindow target, List<TimeWindow> sources)
    {
        foreach (var (_, table) in _tables)
        {
            table.MergeNamespaces(key, target, sources);
        }

        foreach (var (_, pending) in _pending)
        {
            pending.MergeNamespaces(key, target, sources);
        }
    }

    public void Snapshot(StateWriter writer)
    {
        var names = new List<string>(_tables.Keys);
        names.AddRange(_pending.Keys);
        names.Sort(StringComparer.Ordinal);
        writer.WriteInt32(names.Count);
        foreach (var name in names)
        {
            writer.WriteString(name);
            if (_tables.TryGetValue(name, out var table))
            {
                SnapshotFormat.WriteSection(writer, w => table.Snapshot(w, _keySerializer));
            }
            else
            {
                var pending = _pending[name];
                SnapshotFormat.WriteSection(writer, w => pending.Snapshot(w, _keySerializer));
            }
        }
    }

    /// <summary>Restores all keyed state from a snapshot.</summary>
    /// <param name="reader">The reader, at the keyed state.</param>
    /// <param name="legacyLayout">Whether the snapshot is of format version 1.</param>
    public void Restore(ref StateReader reader, bool legacyLayout)
    {
        _pending.Clear();
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var name = reader.ReadString() ?? string.Empty;
            var bytes = reader.ReadRaw(reader.ReadInt32());
            if (_tables.TryGetValue(name, out var table))
            {
                var section = new StateReader(bytes);
                table.Restore(ref section, _keySerializer, legacyLayout);
            }
            else
            {
                _pending[name] = PendingStateTable<TKey>.Read(bytes, _keySerializer, legacyLayout);
            }
        }
    }
}
