namespace ActorFlow.Operators.Functions;

/// <summary>
/// Timers of the current key. A timer is identified by key, time and domain: registering the same one
/// twice fires it once. Timers are part of the operator snapshot.
/// </summary>
public interface ITimerService
{
    /// <summary>Gets the current processing time (epoch ms).</summary>
    long CurrentProcessingTime { get; }

    /// <summary>Gets the current watermark (epoch ms).</summary>
    long CurrentWatermark { get; }

    /// <summary>Registers an event-time timer; it fires when the watermark reaches <paramref name="time"/>.</summary>
    /// <param name="time">Epoch ms.</param>
    void RegisterEventTimeTimer(long time);

    /// <summary>Registers a processing-time timer.</summary>
    /// <param name="time">Epoch ms.</param>
    void RegisterProcessingTimeTimer(long time);

    /// <summary>Deletes an event-time timer (no effect if absent).</summary>
    /// <param name="time">Epoch ms.</param>
    void DeleteEventTimeTimer(long time);

    /// <summary>Deletes a processing-time timer (no effect if absent).</summary>
    /// <param name="time">Epoch ms.</param>
    void DeleteProcessingTimeTimer(long time);
}
