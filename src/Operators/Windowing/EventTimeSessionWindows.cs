using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>
/// Session windows in event time: each record opens [timestamp, timestamp + gap) (its end clamped at <see cref="long.MaxValue"/>);
/// windows of one key that overlap or touch merge, so a record can bridge two sessions into one.
/// </summary>
public sealed class EventTimeSessionWindows : WindowAssigner
{
    private EventTimeSessionWindows(long gap) => Gap = gap;

    /// <summary>Gets the session gap (ms).</summary>
    public long Gap { get; }

    /// <inheritdoc />
    public override bool IsEventTime => true;

    /// <inheritdoc />
    public override bool IsMerging => true;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => EventTimeTrigger.Create();

    /// <summary>Creates the assigner.</summary>
    /// <param name="gap">The inactivity gap that closes a session (positive).</param>
    /// <returns>The assigner.</returns>
    /// <exception cref="ArgumentException">The gap is not positive.</exception>
    public static EventTimeSessionWindows WithGap(TimeSpan gap) => new(RequirePositive(gap, nameof(gap), "session gap"));

    /// <inheritdoc />
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        WindowArithmetic.AssignSession(timestamp, Gap, windows);
}
