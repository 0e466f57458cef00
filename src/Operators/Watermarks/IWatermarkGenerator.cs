namespace ActorFlow.Operators.Watermarks;

/// <summary>
/// Generates watermarks from the records of one input (e.g. one Kafka partition), either per record
/// (<see cref="OnEvent"/>, punctuated) or on a periodic tick (<see cref="OnPeriodicEmit"/>), as Flink's
/// <c>WatermarkGenerator</c>.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public interface IWatermarkGenerator<in T>
{
    /// <summary>Called for every record, after its timestamp was assigned.</summary>
    /// <param name="value">The record.</param>
    /// <param name="eventTimestamp">Its event timestamp (epoch ms).</param>
    /// <param name="output">Where to emit a watermark, if this generator emits per record.</param>
    void OnEvent(T value, long eventTimestamp, IWatermarkOutput output);

    /// <summary>Called on the periodic watermark interval (the host's clock).</summary>
    /// <param name="output">Where to emit the current watermark.</param>
    void OnPeriodicEmit(IWatermarkOutput output);
}
