namespace ActorFlow.Operators.Watermarks;

/// <summary>
/// Runs a <see cref="WatermarkStrategy{T}"/> for one input (e.g. one Kafka partition): assigns each record's
/// timestamp, feeds the generator, and keeps the input's current watermark (never decreasing) and idleness.
/// Sources use one per partition and combine them with a <see cref="WatermarkCombiner"/>.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
internal sealed class TimestampsAndWatermarks<T> : IWatermarkOutput
{
    private readonly ITimestampAssigner<T> _assigner;
    private readonly IWatermarkGenerator<T> _generator;

    /// <summary>Creates the runner.</summary>
    /// <param name="strategy">The strategy.</param>
    /// <param name="timeProvider">The processing-time clock (idleness).</param>
    public TimestampsAndWatermarks(WatermarkStrategy<T> strategy, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        _assigner = strategy.CreateTimestampAssigner();
        _generator = strategy.CreateWatermarkGenerator(timeProvider);
    }

    /// <summary>Gets the input's current watermark (<see cref="long.MinValue"/> before the first).</summary>
    public long CurrentWatermark { get; private set; } = long.MinValue;

    /// <summary>Gets a value indicating whether the input is idle.</summary>
    public bool IsIdle { get; private set; }

    /// <summary>Assigns the record's timestamp and lets the generator see it.</summary>
    /// <param name="record">The record.</param>
    /// <param name="recordTimestamp">The timestamp it came with, or <see cref="Timestamps.NoTimestamp"/>.</param>
    /// <returns>The assigned event timestamp (check it with <see cref="Timestamps.IsValid"/>).</returns>
    public long OnRecord(T record, long recordTimestamp)
    {
        var timestamp = _assigner.ExtractTimestamp(record, recordTimestamp);
        if (Timestamps.IsValid(timestamp))
        {
            _generator.OnEvent(record, timestamp, this);
        }

        return timestamp;
    }

    /// <summary>The periodic tick: lets the generator emit (or mark the input idle).</summary>
    public void OnPeriodicEmit() => _generator.OnPeriodicEmit(this);

    /// <inheritdoc />
    public void EmitWatermark(long watermark)
    {
        IsIdle = false;
        if (watermark > CurrentWatermark)
        {
            CurrentWatermark = watermark;
        }
    }

    /// <inheritdoc />
    public void MarkIdle() => IsIdle = true;

    /// <inheritdoc />
    public void MarkActive() => IsIdle = false;
}
