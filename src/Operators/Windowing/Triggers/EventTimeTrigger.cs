namespace ActorFlow.Operators.Windowing.Triggers;

/// <summary>Fires once when the watermark passes the window's max timestamp, and again for every record that
/// arrives within the allowed lateness (the default trigger of event-time assigners).</summary>
public sealed class EventTimeTrigger : Trigger
{
    private static readonly EventTimeTrigger Instance = new();

    private EventTimeTrigger()
    {
    }

    /// <inheritdoc />
    public override bool CanMerge => true;

    /// <summary>Gets the trigger.</summary>
    /// <returns>The shared instance.</returns>
    public static EventTimeTrigger Create() => Instance;

    /// <inheritdoc />
    public override TriggerResult OnElement(long timestamp, TimeWindow window, ITriggerContext context)
    {
        if (window.MaxTimestamp <= context.CurrentWatermark)
        {
            // late but within the allowed lateness: fire right away, no timer
            return TriggerResult.Fire;
        }

        context.RegisterEventTimeTimer(window.MaxTimestamp);
        return TriggerResult.Continue;
    }

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) =>
        time == window.MaxTimestamp ? TriggerResult.Fire : TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override void OnMerge(TimeWindow window, IOnMergeContext context)
    {
        if (window.MaxTimestamp > context.CurrentWatermark)
        {
            context.RegisterEventTimeTimer(window.MaxTimestamp);
        }
    }

    /// <inheritdoc />
    public override void Clear(TimeWindow window, ITriggerContext context) => context.DeleteEventTimeTimer(window.MaxTimestamp);
}
