namespace ActorFlow.Operators.Windowing.Triggers;

/// <summary>Fires once when processing time passes the window's max timestamp (the default trigger of
/// processing-time assigners).</summary>
public sealed class ProcessingTimeTrigger : Trigger
{
    private static readonly ProcessingTimeTrigger Instance = new();

    private ProcessingTimeTrigger()
    {
    }

    /// <inheritdoc />
    public override bool CanMerge => true;

    /// <summary>Gets the trigger.</summary>
    /// <returns>The shared instance.</returns>
    public static ProcessingTimeTrigger Create() => Instance;

    /// <inheritdoc />
    public override TriggerResult OnElement(long timestamp, TimeWindow window, ITriggerContext context)
    {
        context.RegisterProcessingTimeTimer(window.MaxTimestamp);
        return TriggerResult.Continue;
    }

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) =>
        time == window.MaxTimestamp ? TriggerResult.Fire : TriggerResult.Continue;

    /// <inheritdoc />
    public override void OnMerge(TimeWindow window, IOnMergeContext context)
    {
        if (window.MaxTimestamp > context.CurrentProcessingTime)
        {
            context.RegisterProcessingTimeTimer(window.MaxTimestamp);
        }
    }

    /// <inheritdoc />
    public override void Clear(TimeWindow window, ITriggerContext context) => context.DeleteProcessingTimeTimer(window.MaxTimestamp);
}
