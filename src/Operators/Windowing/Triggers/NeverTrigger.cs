namespace ActorFlow.Operators.Windowing.Triggers;

/// <summary>Never fires (the default trigger of <see cref="GlobalWindows"/>).</summary>
public sealed class NeverTrigger : Trigger
{
    private NeverTrigger()
    {
    }

    /// <summary>Gets the shared instance.</summary>
    public static NeverTrigger Instance { get; } = new();

    /// <inheritdoc />
    public override bool CanMerge => true;

    /// <inheritdoc />
    public override TriggerResult OnElement(long timestamp, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override void OnMerge(TimeWindow window, IOnMergeContext context)
    {
    }

    /// <inheritdoc />
    public override void Clear(TimeWindow window, ITriggerContext context)
    {
    }
}
