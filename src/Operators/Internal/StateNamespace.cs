using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>Namespaces of keyed state and timers: a window, or <see cref="None"/> for key-scoped data.</summary>
internal static class StateNamespace
{
    public static readonly TimeWindow None = new(long.MinValue, long.MinValue);
}

/// <summary>A (key, namespace) pair: the dictionary key of window contents and keyed state.</summary>
internal readonly record struct StateKey<TKey>(TKey Key, TimeWindow Namespace)
{
    public bool Equals(StateKey<TKey> other) =>
        Namespace.Start == other.Namespace.Start && Namespace.End == other.Namespace.End && EqualityComparer<TKey>.Default.Equals(Key, other.Key);

    public override int GetHashCode() => KeyHash.Mix(EqualityComparer<TKey>.Default.GetHashCode(Key!), Namespace.Start, Namespace.End, 0);
}

/// <summary>
/// The equality of <see cref="StateKey{TKey}"/> (the same as its own) for the window table: the key comparer is a
/// field, where the struct's methods look <see cref="EqualityComparer{T}.Default"/> up on every call in code shared by
/// reference-type keys (a string key's table spent a tenth of its time there).
/// </summary>
internal sealed class StateKeyComparer<TKey> : IEqualityComparer<StateKey<TKey>>
{
    private readonly EqualityComparer<TKey> _keys = EqualityComparer<TKey>.Default;

    public bool Equals(StateKey<TKey> x, StateKey<TKey> y) =>
        x.Namespace.Start == y.Namespace.Start && x.Namespace.End == y.Namespace.End && _keys.Equals(x.Key, y.Key);

    public int GetHashCode(StateKey<TKey> obj) => KeyHash.Mix(_keys.GetHashCode(obj.Key!), obj.Namespace.Start, obj.Namespace.End, 0);
}

/// <summary>Cheap, well-spread hash mixing for the hot-path dictionaries (in-process only, never persisted).</summary>
internal static class KeyHash
{
    public static int Mix(int keyHash, long a, long b, long c)
    {
        var h = ((ulong)(uint)keyHash * 0x9E3779B97F4A7C15UL) ^ ((ulong)a * 0xC2B2AE3D27D4EB4FUL) ^ ((ulong)b * 0x165667B19E3779F9UL) ^ ((ulong)c * 0x27D4EB2F165667C5UL);
        return (int)(h ^ (h >> 29) ^ (h >> 47));
    }
}
