namespace ActorFlow.Operators.Windowing.Triggers;

/// <summary>
/// Decides when a window emits its result (and when its contents are purged), as Flink's <c>Trigger</c>.
/// A trigger is shared by all keys and windows of an operator: keep per-window data in the context's state
/// cell, never in fields. The window operator itself removes a window at its cleanup time (max timestamp +
/// allowed lateness), whatever the trigger says.
/// </summary>
public abstract class Trigger
{
    /// <summary>Gets a value indicating whether the trigger supports merging windows (sessions).</summary>
    public virtual bool CanMerge => false;

    /// <summary>Called for every record added to a window.</summary>
    /// <param name="timestamp">The record's timestamp.</param>
    /// <param name="window">The window.</param>
    /// <param name="context">The context.</param>
    /// <returns>The decision.</returns>
    public abstract TriggerResult OnElement(long timestamp, TimeWindow window, ITriggerContext context);

    /// <summary>Called when an event-time timer of the window fires.</summary>
    /// <param name="time">The timer's time.</param>
    /// <param name="window">The window.</param>
    /// <param name="context">The context.</param>
    /// <returns>The decision.</returns>
    public abstract TriggerResult OnEventTime(long time, TimeWindow window, ITriggerContext context);

    /// <summary>Called when a processing-time timer of the window fires.</summary>
    /// <param name="time">The timer's time.</param>
    /// <param name="window">The window.</param>
    /// <param name="context">The context.</param>
    /// <returns>The decision.</returns>
    public abstract TriggerResult OnProcessingTime(long time, TimeWindow window, ITriggerContext context);

    /// <summary>Called when windows merged into <paramref name="window"/>; re-register timers and merge state here.</summary>
    /// <param name="window">The merged window.</param>
    /// <param name="context">The context.</param>
    /// <exception cref="NotSupportedException">The trigger cannot merge.</exception>
    public virtual void OnMerge(TimeWindow window, IOnMergeContext context) =>
        throw new NotSupportedException($"{GetType().Name} does not support merging windows.");

    /// <summary>
    /// Called when a window is removed: delete its timers and state. At the window's cleanup it runs while the window's
    /// state cell still holds what the trigger kept there; for a window merged into another, it runs after
    /// <see cref="OnMerge"/> and sees the window's cell unless <see cref="OnMerge"/> read it
    /// (<see cref="IOnMergeContext.TryGetMergedState"/>), as in Flink.
    /// </summary>
    /// <param name="window">The window.</param>
    /// <param name="context">The context.</param>
    public abstract void Clear(TimeWindow window, ITriggerContext context);
}
