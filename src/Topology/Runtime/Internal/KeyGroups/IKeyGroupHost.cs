using ActorFlow.Operators;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. The type-erased operator of one key group, as the entity sees it.</summary>
internal interface IKeyGroupHost
{
    long? NextProcessingTimeTimer { get; }

    long Watermark { get; }

    /// <summary>See <see cref="IKeyedOperator.ReplaysDeterministically"/>.</summary>
    bool ReplaysDeterministically { get; }

    /// <summary>
    /// When on, user code that fails while a window or timer fires becomes a dead letter naming operator, key and
    /// window instead of an exception (see <c>IIsolatesFailures</c>); operators that cannot isolate ignore it.
    /// </summary>
    bool IsolateFailures { get; set; }

    void Process(IReadOnlyList<Routed> records, long watermark, long nowMs, List<Emitted> output);

    void AdvanceProcessingTime(long nowMs, List<Emitted> output);

    /// <summary>The operator's whole state (all keys of the group, windows, timers, watermark) as versioned bytes.</summary>
    byte[] Snapshot();

    /// <summary>Replaces the operator's state with a snapshot.</summary>
    void Restore(byte[] state);
}
