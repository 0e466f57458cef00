namespace ActorFlow.Operators.Windowing.Triggers;

/// <summary>
/// Fires every <see cref="Interval"/> of processing time (aligned to the epoch) while the window has records, as Flink's
/// <c>ContinuousProcessingTimeTrigger</c>: a window's first record schedules a firing at the next interval boundary
/// after the current processing time, each firing the next one; a firing is never scheduled past the window's max
/// timestamp (the last one is clamped to it, which is also when a processing-time window ends), and none after it
/// until another record arrives. Use it with processing-time windows for early results (a dashboard's running count
/// every few seconds), or with event-time windows for results every few seconds while their watermark lags.
/// </summary>
public sealed class ContinuousProcessingTimeTrigger : Trigger
{
    private ContinuousProcessingTimeTrigger(long interval) => Interval = interval;

    /// <summary>Gets the firing interval (ms).</summary>
    public long Interval { get; }

    /// <inheritdoc />
    public override bool CanMerge => true;

    /// <summary>Creates the trigger.</summary>
    /// <param name="interval">The firing interval (positive).</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="ArgumentException"><paramref name="interval"/> is not positive or has a sub-millisecond part.</exception>
    public static ContinuousProcessingTimeTrigger Of(TimeSpan interval) => new(ContinuousFirings.Interval(interval));

    /// <inheritdoc />
    public override TriggerResult OnElement(long timestamp, TimeWindow window, ITriggerContext context)
    {
        if (!context.TryGetState(out _))
        {
            var now = context.CurrentProcessingTime;
            Schedule(ContinuousFirings.Start(now, Interval), window, context);
        }

        return TriggerResult.Continue;
    }

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context)
    {
        if (context.TryGetState(out var fireAt) && fireAt == time)
        {
            if (time >= window.MaxTimestamp)
            {
                // The last firing: scheduling it again at the window's end (as Flink does) would fire it forever when the
                // window outlives its end in processing time (an event-time window waiting for its watermark). A record
                // that arrives later schedules one more firing.
                context.ClearState();
            }
            else
            {
                Schedule(time, window, context);
            }

            return TriggerResult.Fire;
        }

        return TriggerResult.Continue;
    }

    /// <inheritdoc />
    public override void OnMerge(TimeWindow window, IOnMergeContext context)
    {
        if (ContinuousFirings.TryEarliestMerged(context, out var earliest))
        {
            context.SetState(earliest);
            context.RegisterProcessingTimeTimer(earliest);
        }
    }

    /// <inheritdoc />
    public override void Clear(TimeWindow window, ITriggerContext context)
    {
        if (context.TryGetState(out var fireAt))
        {
            context.DeleteProcessingTimeTimer(fireAt);
            context.ClearState();
        }
    }

    /// <summary>The next firing: one interval after <paramref name="time"/>, but not after the window's max timestamp.</summary>
    private void Schedule(long time, TimeWindow window, ITriggerContext context)
    {
        var next = ContinuousFirings.Next(time, Interval, window);
        context.SetState(next);
        context.RegisterProcessingTimeTimer(next);
    }
}
