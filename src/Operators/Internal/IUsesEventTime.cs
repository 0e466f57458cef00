namespace ActorFlow.Operators.Internal;

/// <summary>
/// INTERNAL API. An operator whose work waits for the watermark: the runtime warns when a streaming job's sources make
/// no watermarks (<c>WatermarkStrategy.NoWatermarks</c>) and such an operator would wait for good.
/// </summary>
internal interface IUsesEventTime
{
    /// <summary>What waits for the watermark, for the warning (e.g. "event-time windows (TumblingEventTimeWindows)"); null when nothing does.</summary>
    string? EventTimeUse { get; }
}
