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
    public bool Equals(StateKey<TKey> other) => StateKeyComparer<TKey>.Instance.Equals(this, other);

    public override int GetHashCode() => StateKeyComparer<TKey>.Instance.GetHashCode(this);
}

/// <summary>
/// The equality of <see cref="StateKey{TKey}"/> (its own methods call it), given to the window table: the key comparer is
/// a field, where a static lookup of <see cref="EqualityComparer{T}.Default"/> on every call costs a runtime lookup in
/// code shared by reference-type keys (a string key's table spent a tenth of its time there).
/// </summary>
internal sealed class StateKeyComparer<TKey> : IEqualityComparer<StateKey<TKey>>
{
    public static readonly StateKeyComparer<TKey> Instance = new();

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
