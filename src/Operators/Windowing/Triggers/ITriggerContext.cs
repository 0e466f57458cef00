namespace ActorFlow.Operators.Windowing.Triggers;

/// <summary>
/// What a trigger can see and do for the current key and window: time, timers, and one 64-bit state cell
/// per key and window (kept in snapshots, cleared with the window).
/// </summary>
public interface ITriggerContext
{
    /// <summary>Gets the current watermark (epoch ms).</summary>
    long CurrentWatermark { get; }

    /// <summary>Gets the current processing time (epoch ms).</summary>
    long CurrentProcessingTime { get; }

    /// <summary>Registers an event-time timer for the current key and window (deduplicated).</summary>
    /// <param name="time">Epoch ms.</param>
    void RegisterEventTimeTimer(long time);

    /// <summary>Deletes an event-time timer of the current key and window.</summary>
    /// <param name="time">Epoch ms.</param>
    void DeleteEventTimeTimer(long time);

    /// <summary>Registers a processing-time timer for the current key and window (deduplicated).</summary>
    /// <param name="time">Epoch ms.</param>
    void RegisterProcessingTimeTimer(long time);

    /// <summary>Deletes a processing-time timer of the current key and window.</summary>
    /// <param name="time">Epoch ms.</param>
    void DeleteProcessingTimeTimer(long time);

    /// <summary>Reads the trigger's state cell for the current key and window.</summary>
    /// <param name="value">The value, when set.</param>
    /// <returns><c>true</c> when the cell is set.</returns>
    bool TryGetState(out long value);

    /// <summary>Sets the trigger's state cell.</summary>
    /// <param name="value">The value.</param>
    void SetState(long value);

    /// <summary>Clears the trigger's state cell.</summary>
    void ClearState();
}

/// <summary>The context of <see cref="Trigger.OnMerge"/>: also exposes the state cells of the merged windows.</summary>
public interface IOnMergeContext : ITriggerContext
{
    /// <summary>Gets the number of windows merged into the current one.</summary>
    int MergedWindowCount { get; }

    /// <summary>
    /// Reads the state cell of one merged window, which the merged window thereby takes over (as Flink's
    /// <c>mergePartitionedState</c> moves it): <see cref="Trigger.Clear"/> of that merged window no longer sees it.
    /// </summary>
    /// <param name="index">0 to <see cref="MergedWindowCount"/> − 1.</param>
    /// <param name="value">The value, when set.</param>
    /// <returns><c>true</c> when that cell was set.</returns>
    bool TryGetMergedState(int index, out long value);
}
