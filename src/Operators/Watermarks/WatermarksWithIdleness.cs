namespace ActorFlow.Operators.Watermarks;

/// <summary>
/// Wraps a generator so that an input without records for the idle timeout (measured on the injected
/// <see cref="TimeProvider"/>, checked on each periodic emit) is marked idle, and is marked active again by
/// its next record.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class WatermarksWithIdleness<T> : IWatermarkGenerator<T>
{
    private readonly IWatermarkGenerator<T> _inner;
    private readonly TimeProvider _timeProvider;
    private readonly long _timeoutMillis;
    private long _counter;
    private long _lastCounter = -1;
    private long _startOfInactivity;
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
        var now = _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        if (_counter != _lastCounter)
        {
            _lastCounter = _counter;
            _startOfInactivity = now;
        }
        else if (now - _startOfInactivity >= _timeoutMillis)
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
}
