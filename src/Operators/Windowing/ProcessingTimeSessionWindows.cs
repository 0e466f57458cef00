using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>Session windows in processing time (by the injected clock when the record arrives); they merge as
/// <see cref="EventTimeSessionWindows"/> do.</summary>
public sealed class ProcessingTimeSessionWindows : WindowAssigner
{
    private ProcessingTimeSessionWindows(long gap) => Gap = gap;

    /// <summary>Gets the session gap (ms).</summary>
    public long Gap { get; }

    /// <inheritdoc />
    public override bool IsEventTime => false;

    /// <inheritdoc />
    public override bool IsMerging => true;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => ProcessingTimeTrigger.Create();

    /// <summary>Creates the assigner.</summary>
    /// <param name="gap">The inactivity gap that closes a session (positive).</param>
    /// <returns>The assigner.</returns>
    /// <exception cref="ArgumentException">The gap is not positive.</exception>
    public static ProcessingTimeSessionWindows WithGap(TimeSpan gap) => new(RequirePositive(gap, nameof(gap), "session gap"));

    /// <inheritdoc />
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        WindowArithmetic.AssignSession(currentProcessingTime, Gap, windows);
}
