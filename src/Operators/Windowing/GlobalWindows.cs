using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>One window per key for all time (<see cref="TimeWindow.Global"/>). Its default trigger never
/// fires: give it a trigger (e.g. <see cref="CountTrigger"/>).</summary>
public sealed class GlobalWindows : WindowAssigner
{
    private GlobalWindows()
    {
    }

    /// <inheritdoc />
    /// <remarks>The global window never ends, so it needs no event timestamp and is never late: records
    /// without a timestamp are accepted (count windows), unlike in event-time windows.</remarks>
    public override bool IsEventTime => false;

    /// <inheritdoc />
    public override Trigger DefaultTrigger => NeverTrigger.Instance;

    /// <summary>Creates the assigner.</summary>
    /// <returns>The assigner.</returns>
    public static GlobalWindows Create() => new();

    /// <inheritdoc />
    public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
        windows.Add(TimeWindow.Global);
}
