namespace ActorFlow.Operators.Watermarks;

/// <summary>The generator for monotonously increasing timestamps: bounded out-of-orderness of zero.</summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class AscendingTimestampsWatermarks<T> : IWatermarkGenerator<T>
{
    private readonly BoundedOutOfOrdernessWatermarks<T> _inner = new(TimeSpan.Zero);

    /// <inheritdoc />
    public void OnEvent(T value, long eventTimestamp, IWatermarkOutput output) => _inner.OnEvent(value, eventTimestamp, output);

    /// <inheritdoc />
    public void OnPeriodicEmit(IWatermarkOutput output) => _inner.OnPeriodicEmit(output);
}
