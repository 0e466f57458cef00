namespace ActorFlow.Operators.Watermarks;

/// <summary>
/// Says how an input gets event timestamps and watermarks: a factory for a timestamp assigner and a
/// watermark generator (one per input, e.g. per Kafka partition). Immutable: the <c>With*</c> methods return
/// a copy. As in Flink: the static factories create the common strategies, and idleness and timestamp
/// assignment are added by composition.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class WatermarkStrategy<T>
{
    private readonly Func<TimeProvider, IWatermarkGenerator<T>> _generatorFactory;
    private readonly ITimestampAssigner<T>? _assigner;
    private readonly TimeSpan? _idleTimeout;

    // NoWatermarks' generator factory (kept by the copies WithTimestampAssigner and WithIdleness make).
    private static readonly Func<TimeProvider, IWatermarkGenerator<T>> None = _ => new NoWatermarksGenerator();

    private WatermarkStrategy(Func<TimeProvider, IWatermarkGenerator<T>> generatorFactory, ITimestampAssigner<T>? assigner, TimeSpan? idleTimeout)
    {
        _generatorFactory = generatorFactory;
        _assigner = assigner;
        _idleTimeout = idleTimeout;
    }

    /// <summary>Gets the idle timeout, when <see cref="WithIdleness"/> was used.</summary>
    public TimeSpan? IdleTimeout => _idleTimeout;

    /// <summary>Whether the strategy makes watermarks at all (every one but <see cref="NoWatermarks"/>).</summary>
    internal bool EmitsWatermarks => !ReferenceEquals(_generatorFactory, None);

    /// <summary>Watermarks that trail the highest timestamp seen by <paramref name="maxOutOfOrderness"/>
    /// (watermark = max timestamp − out-of-orderness − 1 ms).</summary>
    /// <param name="maxOutOfOrderness">How far out of order records may arrive (not negative).</param>
    /// <returns>The strategy.</returns>
    /// <exception cref="ArgumentException"><paramref name="maxOutOfOrderness"/> is negative or has a sub-millisecond part.</exception>
    public static WatermarkStrategy<T> ForBoundedOutOfOrderness(TimeSpan maxOutOfOrderness)
    {
        if (maxOutOfOrderness < TimeSpan.Zero)
        {
            throw new ArgumentException("The maximum out-of-orderness must not be negative.", nameof(maxOutOfOrderness));
        }

        return new WatermarkStrategy<T>(_ => new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrderness), null, null);
    }

    /// <summary>Watermarks for inputs whose timestamps never decrease (watermark = max timestamp − 1 ms).</summary>
    /// <returns>The strategy.</returns>
    public static WatermarkStrategy<T> ForMonotonousTimestamps() =>
        new(_ => new AscendingTimestampsWatermarks<T>(), null, null);

    /// <summary>A custom generator, per record (punctuated) and/or periodic.</summary>
    /// <param name="generatorFactory">Creates one generator per input.</param>
    /// <returns>The strategy.</returns>
    public static WatermarkStrategy<T> ForGenerator(Func<IWatermarkGenerator<T>> generatorFactory)
    {
        ArgumentNullException.ThrowIfNull(generatorFactory);
        return new WatermarkStrategy<T>(_ => generatorFactory(), null, null);
    }

    /// <summary>No watermarks at all (processing-time jobs).</summary>
    /// <returns>The strategy.</returns>
    public static WatermarkStrategy<T> NoWatermarks() => new(None, null, null);

    /// <summary>Returns a copy that assigns timestamps with <paramref name="assigner"/>.</summary>
    /// <param name="assigner">The assigner.</param>
    /// <returns>The new strategy.</returns>
    public WatermarkStrategy<T> WithTimestampAssigner(ITimestampAssigner<T> assigner)
    {
        ArgumentNullException.ThrowIfNull(assigner);
        return new WatermarkStrategy<T>(_generatorFactory, assigner, _idleTimeout);
    }

    /// <summary>Returns a copy that assigns timestamps with a function of the record and its incoming timestamp.</summary>
    /// <param name="assigner">Returns epoch milliseconds.</param>
    /// <returns>The new strategy.</returns>
    public WatermarkStrategy<T> WithTimestampAssigner(Func<T, long, long> assigner)
    {
        ArgumentNullException.ThrowIfNull(assigner);
        return WithTimestampAssigner(new FuncAssigner(assigner));
    }

    /// <summary>Returns a copy whose inputs go idle after <paramref name="idleTimeout"/> without records (processing
    /// time), so that they stop holding back the combined watermark, and rejoin with their next record.</summary>
    /// <param name="idleTimeout">Positive; measured in whole milliseconds of processing time (a sub-millisecond part is truncated).</param>
    /// <returns>The new strategy.</returns>
    /// <exception cref="ArgumentException"><paramref name="idleTimeout"/> is not positive.</exception>
    public WatermarkStrategy<T> WithIdleness(TimeSpan idleTimeout)
    {
        if (idleTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("The idle timeout must be positive.", nameof(idleTimeout));
        }

        return new WatermarkStrategy<T>(_generatorFactory, _assigner, idleTimeout);
    }

    /// <summary>Creates the timestamp assigner: the configured one, or one that keeps the record's incoming timestamp.</summary>
    /// <returns>The assigner.</returns>
    public ITimestampAssigner<T> CreateTimestampAssigner() => _assigner ?? RecordTimestampAssigner.Instance;

    /// <summary>Creates a watermark generator for one input.</summary>
    /// <param name="timeProvider">The processing-time clock (idleness); <see cref="TimeProvider.System"/> when <c>null</c>.</param>
    /// <returns>The generator.</returns>
    public IWatermarkGenerator<T> CreateWatermarkGenerator(TimeProvider? timeProvider = null)
    {
        var clock = timeProvider ?? TimeProvider.System;
        var generator = _generatorFactory(clock);
        return _idleTimeout is { } timeout ? new WatermarksWithIdleness<T>(generator, timeout, clock) : generator;
    }

    private sealed class FuncAssigner(Func<T, long, long> func) : ITimestampAssigner<T>
    {
        public long ExtractTimestamp(T element, long recordTimestamp) => func(element, recordTimestamp);
    }

    private sealed class RecordTimestampAssigner : ITimestampAssigner<T>
    {
        public static readonly RecordTimestampAssigner Instance = new();

        public long ExtractTimestamp(T element, long recordTimestamp) => recordTimestamp;
    }

    private sealed class NoWatermarksGenerator : IWatermarkGenerator<T>
    {
        public void OnEvent(T value, long eventTimestamp, IWatermarkOutput output)
        {
        }

        public void OnPeriodicEmit(IWatermarkOutput output)
        {
        }
    }
}
