namespace ActorFlow.Operators.Watermarks;

/// <summary>
/// Emits, periodically, the highest timestamp seen minus the allowed out-of-orderness minus one
/// millisecond: records up to that much out of order are not late.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class BoundedOutOfOrdernessWatermarks<T> : IWatermarkGenerator<T>
{
    private readonly long _outOfOrdernessMillis;
    private long _maxTimestamp;

    /// <summary>Creates the generator.</summary>
    /// <param name="maxOutOfOrderness">How far out of order records may arrive (not negative).</param>
    /// <exception cref="ArgumentException"><paramref name="maxOutOfOrderness"/> is negative or has a sub-millisecond part.</exception>
    public BoundedOutOfOrdernessWatermarks(TimeSpan maxOutOfOrderness)
    {
        if (maxOutOfOrderness < TimeSpan.Zero)
        {
            throw new ArgumentException("The maximum out-of-orderness must not be negative.", nameof(maxOutOfOrderness));
        }

        _outOfOrdernessMillis = Timestamps.ToWholeMillis(maxOutOfOrderness, nameof(maxOutOfOrderness));
        // start so that the first watermark does not underflow
        _maxTimestamp = long.MinValue + _outOfOrdernessMillis + 1;
    }

    /// <inheritdoc />
    public void OnEvent(T value, long eventTimestamp, IWatermarkOutput output)
    {
        if (eventTimestamp > _maxTimestamp)
        {
            _maxTimestamp = eventTimestamp;
        }
    }

    /// <inheritdoc />
    public void OnPeriodicEmit(IWatermarkOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.EmitWatermark(_maxTimestamp - _outOfOrdernessMillis - 1);
    }
}
