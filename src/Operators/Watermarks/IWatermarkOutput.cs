namespace ActorFlow.Operators.Watermarks;

/// <summary>Receives the watermarks and idleness changes of a watermark generator.</summary>
public interface IWatermarkOutput
{
    /// <summary>Emits a watermark: no record with a timestamp at most <paramref name="watermark"/> is expected
    /// any more. Emitting also marks the output active. A watermark lower than a previous one is ignored.</summary>
    /// <param name="watermark">Epoch milliseconds.</param>
    void EmitWatermark(long watermark);

    /// <summary>Marks the output idle: it stops holding back the combined watermark until it is active again.</summary>
    void MarkIdle();

    /// <summary>Marks the output active again after <see cref="MarkIdle"/>.</summary>
    void MarkActive();
}
