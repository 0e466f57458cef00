namespace ActorFlow.Operators.State;

/// <summary>When a state entry's time-to-live restarts.</summary>
public enum StateTtlUpdateType
{
    /// <summary>On creation and on every write (default).</summary>
    OnCreateAndWrite = 0,

    /// <summary>On creation, every write and every read.</summary>
    OnReadAndWrite = 1,
}

/// <summary>
/// Time-to-live of state entries, in processing time (the operator's <see cref="TimeProvider"/>): of a value, reducing
/// or aggregating state's value, of each element of a list state and of each entry of a map state (as Flink's TTL
/// states). Expired entries are never returned, and are dropped on access and at each snapshot.
/// </summary>
/// <param name="Ttl">How long an entry lives after its last update (positive; whole milliseconds of processing time, a sub-millisecond part is truncated).</param>
/// <param name="UpdateType">What restarts the clock.</param>
public sealed record StateTtlConfig(TimeSpan Ttl, StateTtlUpdateType UpdateType = StateTtlUpdateType.OnCreateAndWrite)
{
    /// <summary>Gets the TTL in milliseconds.</summary>
    /// <exception cref="ArgumentException">The TTL is not positive.</exception>
    public long TtlMillis => Ttl > TimeSpan.Zero
        ? Timestamps.ToMillis(Ttl)
        : throw new ArgumentException($"A state TTL must be positive but was {Ttl}.", nameof(Ttl));
}
