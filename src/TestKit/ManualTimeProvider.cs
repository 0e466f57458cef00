using ActorFlow.Operators;

namespace ActorFlow.TestKit;

/// <summary>A processing-time clock that moves only when told to (for tests; no sleeping).</summary>
public sealed class ManualTimeProvider : TimeProvider
{
    private DateTimeOffset _now;

    /// <summary>Creates the clock at <paramref name="startMs"/> epoch milliseconds.</summary>
    /// <param name="startMs">The initial time (default: the epoch).</param>
    public ManualTimeProvider(long startMs = 0) => _now = DateTimeOffset.FromUnixTimeMilliseconds(startMs);

    /// <summary>Gets the current time in epoch milliseconds.</summary>
    public long NowMs => _now.ToUnixTimeMilliseconds();

    /// <inheritdoc />
    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Sets the current time.</summary>
    /// <param name="nowMs">Epoch milliseconds.</param>
    public void SetUtcNow(long nowMs) => _now = DateTimeOffset.FromUnixTimeMilliseconds(nowMs);

    /// <summary>Moves the clock forward.</summary>
    /// <param name="delta">How far.</param>
    public void Advance(TimeSpan delta) => _now += delta;
}
