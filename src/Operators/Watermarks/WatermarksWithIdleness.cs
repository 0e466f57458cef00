namespace ActorFlow.Operators.Watermarks;

/// <summary>
/// Wraps a generator so that an input without records for the idle timeout (measured on the injected
/// <see cref="TimeProvider"/>, checked on each periodic emit) is marked idle, and is marked active again by
/// its next record. As Flink's <c>WatermarksWithIdleness.IdlenessTimer</c>: a periodic emit that sees records since the
/// previous one stops the countdown; the first one that sees none starts it; the input becomes idle at the first periodic
/// emit after strictly more than the timeout has passed since then. So an input goes idle no earlier than the timeout after
/// its last record, and up to the timeout plus three periodic intervals after it.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class WatermarksWithIdleness<T> : IWatermarkGenerator<T>
{
    private readonly IWatermarkGenerator<T> _inner;
    private readonly TimeProvider _timeProvider;
    private readonly long _timeoutMillis;
    private long _counter;
    private long _lastCounter;
    private long? _startOfInactivity; // set from the first periodic emit without records since the previous one
    private bool _idle;

    /// <summary>Creates the wrapper.</summary>
    /// <param name="inner">The wrapped generator.</param>
    /// <param name="idleTimeout">How long without records makes the input idle (positive).</param>
    /// <param name="timeProvider">The processing-time clock.</param>
    /// <exception cref="ArgumentException"><paramref name="idleTimeout"/> is not positive.</exception>
    public WatermarksWithIdleness(IWatermarkGenerator<T> inner, TimeSpan idleTimeout, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (idleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("The idle timeout must be positive.", nameof(idleTimeout));
        }

        _inner = inner;
        _timeProvider = timeProvider;
        _timeoutMillis = Timestamps.ToMillis(idleTimeout);
    }

    /// <inheritdoc />
    public void OnEvent(T value, long eventTimestamp, IWatermarkOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _counter++;
        if (_idle)
        {
            _idle = false;
            output.MarkActive();
        }

        _inner.OnEvent(value, eventTimestamp, output);
    }

    /// <inheritdoc />
    public void OnPeriodicEmit(IWatermarkOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (IsIdleNow())
        {
            if (!_idle)
            {
                _idle = true;
                output.MarkIdle();
            }

            return;
        }

        _inner.OnPeriodicEmit(output);
    }

    /// <summary>Flink's <c>IdlenessTimer.checkIfIdle</c>: records since the last check stop the countdown, the first check
    /// without any starts it, and the input is idle once strictly more than the timeout has passed since.</summary>
    private bool IsIdleNow()
    {
        if (_counter != _lastCounter)
        {
            _lastCounter = _counter;
            _startOfInactivity = null;
            return false;
        }

        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        if (_startOfInactivity is not { } start)
        {
            _startOfInactivity = now;
            return false;
        }

        return now - start > _timeoutMillis;
    }
}
