using ActorFlow.Operators;

namespace ActorFlow.TestKit;

/// <summary>
/// Drives a one-input keyed operator in a test, like Flink's <c>OneInputStreamOperatorTestHarness</c>:
/// push records, advance the watermark and processing time, read the main and side outputs, snapshot and
/// restore. Processing time comes from the clock given here (a <see cref="ManualTimeProvider"/> or e.g.
/// <c>FakeTimeProvider</c>); pass the same clock to the operator's builder.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TIn">The input type.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public sealed class OperatorHarness<TKey, TIn, TOut> : HarnessOutput<TOut>
{
    private readonly TimeProvider _clock;

    /// <summary>Creates the harness.</summary>
    /// <param name="op">The operator under test.</param>
    /// <param name="clock">The processing-time clock shared with the operator.</param>
    public OperatorHarness(IKeyedOperator<TKey, TIn, TOut> op, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(op);
        Operator = op;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Gets the operator under test.</summary>
    public IKeyedOperator<TKey, TIn, TOut> Operator { get; }

    /// <summary>Pushes one record.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The record.</param>
    /// <param name="timestamp">Its event timestamp.</param>
    public void ProcessElement(TKey key, TIn value, long timestamp) => Operator.ProcessElement(key, value, timestamp, this);

    /// <summary>Advances the watermark.</summary>
    /// <param name="watermark">Epoch ms.</param>
    public void ProcessWatermark(long watermark) => Operator.ProcessWatermark(watermark, this);

    /// <summary>Sets processing time: moves a <see cref="ManualTimeProvider"/> clock to <paramref name="nowMs"/>
    /// and fires due processing-time timers.</summary>
    /// <param name="nowMs">Epoch ms.</param>
    public void SetProcessingTime(long nowMs)
    {
        (_clock as ManualTimeProvider)?.SetUtcNow(nowMs);
        Operator.AdvanceProcessingTime(nowMs, this);
    }

    /// <summary>Fires processing-time timers due at the clock's current time (after advancing e.g. a FakeTimeProvider).</summary>
    public void FireProcessingTimers() => Operator.AdvanceProcessingTime(_clock.GetUtcNow().ToUnixTimeMilliseconds(), this);

    /// <summary>
    /// Moves the <see cref="ManualTimeProvider"/> clock forward by <paramref name="delta"/> and fires the
    /// processing-time timers and windows that are then due.
    /// </summary>
    /// <param name="delta">How far.</param>
    /// <exception cref="InvalidOperationException">The harness's clock is not a <see cref="ManualTimeProvider"/> (advance your clock and call <c>SetProcessingTime</c>).</exception>
    public void AdvanceProcessingTime(TimeSpan delta)
    {
        var clock = _clock as ManualTimeProvider
            ?? throw new InvalidOperationException($"The harness's clock is a {_clock.GetType().Name}, which it cannot move: create the harness with a ManualTimeProvider, or advance your clock and call SetProcessingTime.");
        clock.Advance(delta);
        Operator.AdvanceProcessingTime(clock.NowMs, this);
    }

    /// <summary>Gets the operator's current watermark (<see cref="long.MinValue"/> before the first).</summary>
    public long CurrentWatermark => Operator.CurrentWatermark;

    /// <summary>Gets the earliest pending processing-time timer or window end (epoch ms), or null when there is none.</summary>
    public long? NextProcessingTimeTimer => Operator.NextProcessingTimeTimer;

    /// <summary>
    /// Gets the times (epoch ms, ascending) of the event-time timers pending for <paramref name="key"/>: those a keyed
    /// process function registered, or for a window operator its windows' firing and cleanup times.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <returns>The timer times; empty when none is pending.</returns>
    /// <exception cref="NotSupportedException">The operator does not show its timers (only keyed process functions and window operators do).</exception>
    public IReadOnlyList<long> EventTimeTimers(TKey key) => Timers.EventTimeTimersOf(key);

    /// <summary>Gets the times (epoch ms, ascending) of the processing-time timers pending for <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The timer times; empty when none is pending.</returns>
    /// <exception cref="NotSupportedException">The operator does not show its timers (only keyed process functions and window operators do).</exception>
    public IReadOnlyList<long> ProcessingTimeTimers(TKey key) => Timers.ProcessingTimeTimersOf(key);

    /// <summary>Takes a snapshot of the operator.</summary>
    /// <returns>The snapshot bytes.</returns>
    public byte[] Snapshot() => Operator.SnapshotToArray();

    /// <summary>Restores the operator from a snapshot (call on a fresh operator).</summary>
    /// <param name="snapshot">The bytes.</param>
    public void Restore(byte[] snapshot) => Operator.Restore(snapshot);

    private Operators.Internal.ITimerInspection<TKey> Timers => Operator as Operators.Internal.ITimerInspection<TKey>
        ?? throw new NotSupportedException($"The operator {Operator.GetType().Name} does not show its timers: only keyed process functions and window operators do.");
}
