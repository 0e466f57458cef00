namespace ActorFlow.Operators;

/// <summary>
/// A processing-time clock that a host drives: while <see cref="NowMs"/> is set, every read of the clock returns it,
/// so an operator built on this clock sees, for each input, the processing time the host logged with that input, and
/// a replay of the same inputs reads the same times. The runtime gives one to each key group's operator: builders
/// that are not given a clock (<c>WithTimeProvider</c>, <c>clock:</c>) use <see cref="Default"/>, which is the clock
/// of the host building the operator, or <see cref="TimeProvider.System"/> outside a host.
/// </summary>
internal sealed class DrivenClock : TimeProvider
{
    [ThreadStatic]
    private static DrivenClock? _building;

    /// <summary>Gets or sets the time every read returns (epoch ms); <c>null</c> reads the system clock.</summary>
    public long? NowMs { get; set; }

    /// <summary>Gets the clock for an operator built now: the host's while it builds one, else the system clock.</summary>
    public static TimeProvider Default => _building ?? System;

    /// <summary>Makes <paramref name="clock"/> the <see cref="Default"/> of operators built on this thread until disposed.</summary>
    /// <param name="clock">The host's clock.</param>
    /// <returns>Restores the previous default when disposed.</returns>
    public static IDisposable Building(DrivenClock clock)
    {
        var previous = _building;
        _building = clock;
        return new Restore(previous);
    }

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => NowMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : System.GetUtcNow();

    private sealed class Restore(DrivenClock? previous) : IDisposable
    {
        public void Dispose() => _building = previous;
    }
}
