using ActorFlow.Operators;

namespace ActorFlow.TestKit;

/// <summary>Drives a two-input keyed operator (joins) in a test; see <see cref="OperatorHarness{TKey,TIn,TOut}"/>.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TIn1">The first input's type.</typeparam>
/// <typeparam name="TIn2">The second input's type.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public sealed class TwoInputOperatorHarness<TKey, TIn1, TIn2, TOut> : HarnessOutput<TOut>
{
    private readonly HarnessClock _time;
    private long _watermark1 = long.MinValue;
    private long _watermark2 = long.MinValue;

    /// <summary>Creates the harness.</summary>
    /// <param name="op">The operator under test.</param>
    /// <param name="clock">The processing-time clock shared with the operator.</param>
    public TwoInputOperatorHarness(ITwoInputKeyedOperator<TKey, TIn1, TIn2, TOut> op, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(op);
        Operator = op;
        _time = new HarnessClock(clock, (op as Operators.Internal.IOperatorInspection<TKey>)?.ProcessingClock);
    }

    /// <summary>Gets the operator under test.</summary>
    public ITwoInputKeyedOperator<TKey, TIn1, TIn2, TOut> Operator { get; }

    /// <summary>Pushes a record to the first input.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The record.</param>
    /// <param name="timestamp">Its event timestamp.</param>
    public void ProcessElement1(TKey key, TIn1 value, long timestamp)
    {
        Input();
        Operator.ProcessElement1(key, value, timestamp, this);
    }

    /// <summary>Pushes a record to the second input.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The record.</param>
    /// <param name="timestamp">Its event timestamp.</param>
    public void ProcessElement2(TKey key, TIn2 value, long timestamp)
    {
        Input();
        Operator.ProcessElement2(key, value, timestamp, this);
    }

    /// <summary>Advances the watermark of both inputs.</summary>
    /// <param name="watermark">Epoch ms.</param>
    public void ProcessWatermark(long watermark)
    {
        _watermark1 = Math.Max(_watermark1, watermark);
        _watermark2 = Math.Max(_watermark2, watermark);
        Input();
        Operator.ProcessWatermark(watermark, this);
    }

    /// <summary>
    /// Advances the first input's watermark (Flink's <c>processWatermark1</c>): the operator's watermark is the lower of
    /// the two inputs', so it moves once both have passed a time, as in a job whose inputs come from two sources (the
    /// job's watermark is the least of its sources').
    /// </summary>
    /// <param name="watermark">Epoch ms.</param>
    public void ProcessWatermark1(long watermark)
    {
        Input();
        _watermark1 = Math.Max(_watermark1, watermark);
        Combine();
    }

    /// <summary>Advances the second input's watermark (Flink's <c>processWatermark2</c>); see <see cref="ProcessWatermark1"/>.</summary>
    /// <param name="watermark">Epoch ms.</param>
    public void ProcessWatermark2(long watermark)
    {
        Input();
        _watermark2 = Math.Max(_watermark2, watermark);
        Combine();
    }

    /// <summary>Sets processing time (see <see cref="OperatorHarness{TKey,TIn,TOut}.SetProcessingTime"/>).</summary>
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

    /// <summary>Gets the times (epoch ms, ascending) of the event-time timers pending for <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The timer times; empty when none is pending.</returns>
    /// <exception cref="NotSupportedException">The operator does not show its timers (only co-process and broadcast process functions and joins do).</exception>
    public IReadOnlyList<long> EventTimeTimers(TKey key) => Inspection.EventTimeTimersOf(key);

    /// <summary>Gets the times (epoch ms, ascending) of the processing-time timers pending for <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <returns>The timer times; empty when none is pending.</returns>
    /// <exception cref="NotSupportedException">The operator does not show its timers (only co-process and broadcast process functions and joins do).</exception>
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
        ?? throw new NotSupportedException($"The operator {Operator.GetType().Name} does not show its timers and state: only co-process and broadcast process functions and joins do.");

    private void Combine()
    {
        var combined = Math.Min(_watermark1, _watermark2);
        if (combined > Operator.CurrentWatermark)
        {
            Operator.ProcessWatermark(combined, this);
        }
    }

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
