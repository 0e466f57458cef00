namespace ActorFlow.Operators.Windowing.Triggers;

/// <summary>Fires each time the window has received <see cref="MaxCount"/> more records.</summary>
public sealed class CountTrigger : Trigger
{
    private CountTrigger(long maxCount) => MaxCount = maxCount;

    /// <summary>Gets the number of records per firing.</summary>
    public long MaxCount { get; }

    /// <inheritdoc />
    public override bool CanMerge => true;

    /// <summary>Creates the trigger.</summary>
    /// <param name="maxCount">Records per firing (positive).</param>
    /// <returns>The trigger.</returns>
    /// <exception cref="ArgumentException"><paramref name="maxCount"/> is not positive.</exception>
    public static CountTrigger Of(long maxCount)
    {
        if (maxCount <= 0)
        {
            throw new ArgumentException($"The count of a count trigger must be positive but was {maxCount}.", nameof(maxCount));
        }

        return new CountTrigger(maxCount);
    }

    /// <inheritdoc />
    public override TriggerResult OnElement(long timestamp, TimeWindow window, ITriggerContext context)
    {
        var count = (context.TryGetState(out var c) ? c : 0) + 1;
        if (count >= MaxCount)
        {
            context.SetState(0);
            return TriggerResult.Fire;
        }

        context.SetState(count);
        return TriggerResult.Continue;
    }

    /// <inheritdoc />
    public override TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context) => TriggerResult.Continue;

    /// <inheritdoc />
    public override void OnMerge(TimeWindow window, IOnMergeContext context)
    {
        long sum = 0;
        for (var i = 0; i < context.MergedWindowCount; i++)
        {
            if (context.TryGetMergedState(i, out var c))
            {
                sum += c;
            }
        }

        context.SetState(sum);
    }

    /// <inheritdoc />
    public override void Clear(TimeWindow window, ITriggerContext context) => context.ClearState();
}
