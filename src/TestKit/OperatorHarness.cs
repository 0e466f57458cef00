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
    private readonly HarnessClock _time;

    /// <summary>Creates the harness.</summary>
    /// <param name="op">The operator under test.</param>
    /// <param name="clock">The processing-time clock shared with the operator.</param>
    public OperatorHarness(IKeyedOperator<TKey, TIn, TOut> op, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(op);
        Operator = op;
        _time = new HarnessClock(clock, (op as Operators.Internal.IOperatorInspection<TKey>)?.ProcessingClock);
    }

    /// <summary>Gets the operator under test.</summary>
    public IKeyedOperator<TKey, TIn, TOut> Operator { get; }

    /// <summary>Pushes one record.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The record.</param>
    /// <param name="timestamp">Its event timestamp.</param>
    public void ProcessElement(TKey key, TIn value, long timestamp)
    {
        Input();
        try
        {
            Operator.ProcessElement(key, value, timestamp, this);
        }
        catch (ActorFlow.Operators.Internal.FiringException e)
        {
            // A window function's exception while its window fired for this record, wrapped for the runtime's host (a
            // failed firing, not a failed record): a test sees the function's own exception, as from a timer's firing.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!);
        }
    }

    /// <summary>Advances the watermark.</summary>
    /// <param name="watermark">Epoch ms.</param>
    public void ProcessWatermark(long watermark)
    {
        Input();
        Operator.ProcessWatermark(watermark, this);
    }

    /// <summary>Sets processing time: moves a <see cref="ManualTimeProvider"/> clock to <paramref name="nowMs"/>
    /// and fires due processing-time timers.</summary>
    /// <param name="nowMs">Epoch ms.</param>
    public void SetProcessingTime(long nowMs) => Operator.AdvanceProcessingTime(_time.Set(nowMs), this);

    /// <summary>Fires processing-time timers due at the clock's current time (after advancing e.g. a FakeTimeProvider).</summary>
    public void FireProcessingTimers() => Operator.AdvanceProcessingTime(_time.Now(), this);

    /// <summary>
    /// Moves the <see cref="ManualTimeProvider"/> clock forward by <paramref name="delta"/> and fires the
    /// processing-time timers and windows that are then due.
    /// </summary>
    /// <param name="delta">How far.</param>
    /// <exception cref="InvalidOperationException">The harness's clock is not a <see cref="ManualTimeProvider"/> (advance your clock and call <c>SetProcessingTime</c>).</exception>
    public void AdvanceProcessingTime(TimeSpan delta) => Operator.AdvanceProcessingTime(_time.Advance(delta), this);

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
    public IReadOnlyList<long> EventTimeTimers(TKey key) => Inspection.EventTimeTimersOf(key);

    /// <summary>Gets the times (epoch ms, ascending) of the processing-time timers pending for <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The timer times; empty when none is pending.</returns>
    /// <exception cref="NotSupportedException">The operator does not show its timers (only keyed process functions and window operators do).</exception>
    public IReadOnlyList<long> ProcessingTimeTimers(TKey key) => Inspection.ProcessingTimeTimersOf(key);

    /// <summary>
    /// Gets the number of event-time timers pending for every key (Flink's <c>numEventTimeTimers()</c>): those the
    /// functions registered, or for a window operator its windows' firing and cleanup times.
    /// </summary>
    /// <exception cref="NotSupportedException">The operator does not show its timers.</exception>
    public int EventTimeTimerCount => Inspection.EventTimeTimerCount;

    /// <summary>Gets the number of processing-time timers pending for every key (Flink's <c>numProcessingTimeTimers()</c>).</summary>
    /// <exception cref="NotSupportedException">The operator does not show its timers.</exception>
    public int ProcessingTimeTimerCount => Inspection.ProcessingTimeTimerCount;

    /// <summary>
    /// Gets the number of keyed state entries (Flink's <c>numKeyedStateEntries()</c>): one per key and namespace (a
    /// window, or none) of each state the functions use, restored ones not read yet included, and of the operator's own
    /// (a window's contents, a key's session windows, a join's buffers). Entries past their TTL count until they are
    /// read or a snapshot drops them. Zero once every key's state is cleared: the usual check that a job's state does
    /// not grow for ever.
    /// </summary>
    /// <exception cref="NotSupportedException">The operator does not show its state.</exception>
    public int KeyedStateEntryCount => Inspection.KeyedStateEntryCount;

    /// <summary>Takes a snapshot of the operator.</summary>
    /// <returns>The snapshot bytes.</returns>
    public byte[] Snapshot() => Operator.SnapshotToArray();

    /// <summary>
    /// Restores the operator from a snapshot, as Flink's <c>initializeState</c>: into a fresh operator and harness,
    /// before any input.
    /// </summary>
    /// <param name="snapshot">The bytes.</param>
    /// <exception cref="InvalidOperationException">The harness has already processed input (restore into a new one).</exception>
    public void Restore(byte[] snapshot)
    {
        _time.CheckFresh();
        Operator.Restore(snapshot);
        _time.CatchUp((Operator as Operators.Internal.IOperatorInspection<TKey>)?.LastProcessingTime ?? long.MinValue);
    }

    private Operators.Internal.IOperatorInspection<TKey> Inspection => Operator as Operators.Internal.IOperatorInspection<TKey>
        ?? throw new NotSupportedException($"The operator {Operator.GetType().Name} does not show its timers and state: only keyed process functions and window operators do.");

    /// <summary>Before a record or watermark: the processing-time timers the clock has passed fire first, as in the runtime.</summary>
    private void Input()
    {
        _time.Input();
        if (_time.DueNow(Operator.NextProcessingTimeTimer) is { } now)
        {
            Operator.AdvanceProcessingTime(now, this);
        }
    }
}
