namespace ActorFlow.Operators.Windowing.Triggers;

/// <summary>Fires every <see cref="Interval"/> of event time (aligned to the epoch) while the window is open, and
/// when the watermark passes the window's max timestamp. As in Flink (since FLINK-20443), an early firing is never
/// scheduled past the window's max timestamp: the last one is clamped to it, so the window does not fire again within
/// its allowed lateness unless a late record arrives. The first firing is the first interval boundary after the first
/// record's timestamp, floored also for negative timestamps (Flink's Java remainder rounds those towards zero, one
/// interval later).</summary>
public sealed class ContinuousEventTimeTrigger : Trigger
{
    private ContinuousEventTimeTrigger(long interval) => Interval = interval;

    /// <summary>Gets the firing interval (ms).</summary>
    public long Interval { get; }

    /// <inheritdoc />
    public override bool CanMerge => true;

    /// <summary>Creates the trigger.</summary>
    /// <param name="interval">The firing interval (positive).</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="ArgumentException"><paramref name="interval"/> is not positive or has a sub-millisecond part.</exception>
    public static ContinuousEventTimeTrigger Of(TimeSpan interval) => new(ContinuousFirings.Interval(interval));

    /// <inheritdoc />
    public override TriggerResult OnElement(long timestamp, TimeWindow window, ITriggerContext context)
    {
        if (window.MaxTimestamp <= context.CurrentWatermark)
        {
            return TriggerResult.Fire;
        }

        context.RegisterEventTimeTimer(window.MaxTimestamp);
        if (!context.TryGetState(out _))
        {
            var next = ContinuousFirings.Next(ContinuousFirings.Start(timestamp, Interval), Interval, window);
            context.RegisterEventTimeTimer(next);
            context.SetState(next);
        }

        return TriggerResult.Continue;
    }

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context)
    {
        if (time == window.MaxTimestamp)
        {
            return TriggerResult.Fire;
        }

        if (context.TryGetState(out var fireAt) && fireAt == time)
        {
            var next = ContinuousFirings.Next(time, Interval, window);
            context.SetState(next);
            context.RegisterEventTimeTimer(next);
            return TriggerResult.Fire;
        }

        return TriggerResult.Continue;
    }

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override void OnMerge(TimeWindow window, IOnMergeContext context)
    {
        if (ContinuousFirings.TryEarliestMerged(context, out var earliest))
        {
            context.SetState(earliest);
            context.RegisterEventTimeTimer(earliest);
        }

        if (window.MaxTimestamp > context.CurrentWatermark)
        {
            context.RegisterEventTimeTimer(window.MaxTimestamp);
        }
    }

    /// <inheritdoc />
    public override void Clear(TimeWindow window, ITriggerContext context)
    {
        if (context.TryGetState(out var fireAt))
        {
            context.DeleteEventTimeTimer(fireAt);
            context.ClearState();
        }
    }
}
