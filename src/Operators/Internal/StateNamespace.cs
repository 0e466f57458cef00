using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>Namespaces of keyed state and timers: a window, or <see cref="None"/> for key-scoped data.</summary>
internal static class StateNamespace
{
    public static readonly TimeWindow None = new(long.MinValue, long.MinValue);
}

internal readonly record struct StateKey<TKey>(TKey Key, TimeWindow Namespace);
