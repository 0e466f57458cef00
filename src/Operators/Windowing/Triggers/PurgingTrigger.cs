namespace ActorFlow.Operators.Windowing.Triggers;

/// <summary>Wraps a trigger so that every firing also purges the window's contents.</summary>
public sealed class PurgingTrigger : Trigger
{
    private readonly Trigger _inner;

    private PurgingTrigger(Trigger inner) => _inner = inner;

    /// <inheritdoc />
    public override bool CanMerge => _inner.CanMerge;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The trigger to wrap.</param>
    /// <returns>The purging trigger.</returns>
    public static PurgingTrigger Of(Trigger inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new PurgingTrigger(inner);
    }

    /// <inheritdoc />
    public override TriggerResult OnElement(long timestamp, TimeWindow window, ITriggerContext context) =>
        Purging(_inner.OnElement(timestamp, window, context));

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) =>
        Purging(_inner.OnEventTime(time, window, context));

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) =>
        Purging(_inner.OnProcessingTime(time, window, context));

    /// <inheritdoc />
    public override void OnMerge(TimeWindow window, IOnMergeContext context) => _inner.OnMerge(window, context);

    /// <inheritdoc />
    public override void Clear(TimeWindow window, ITriggerContext context) => _inner.Clear(window, context);

    private static TriggerResult Purging(TriggerResult result) =>
        (result & TriggerResult.Fire) != 0 ? TriggerResult.FireAndPurge : result;
}
