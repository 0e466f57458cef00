namespace ActorFlow.Operators;

/// <summary>A two-input keyed operator as hosted by the runtime (window join, interval join). Both inputs
/// are keyed the same way; the host calls <see cref="ProcessWatermark"/> with the minimum of the two
/// inputs' watermarks (see <see cref="Watermarks.WatermarkCombiner"/>).</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TIn1">The first (left) input's record type.</typeparam>
/// <typeparam name="TIn2">The second (right) input's record type.</typeparam>
/// <typeparam name="TOut">The main output type.</typeparam>
public interface ITwoInputKeyedOperator<in TKey, in TIn1, in TIn2, out TOut> : IKeyedOperator
{
    /// <summary>Processes one record of the first input.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The record.</param>
    /// <param name="timestamp">Its event timestamp (epoch ms).</param>
    /// <param name="output">Receives what is emitted.</param>
    void ProcessElement1(TKey key, TIn1 value, long timestamp, IOperatorOutput<TOut> output);

    /// <summary>Processes one record of the second input.</summary>
    /// <param name="key">The key.</param>
    /// <param name="value">The record.</param>
    /// <param name="timestamp">Its event timestamp (epoch ms).</param>
    /// <param name="output">Receives what is emitted.</param>
    void ProcessElement2(TKey key, TIn2 value, long timestamp, IOperatorOutput<TOut> output);

    /// <summary>Advances event time (see <see cref="IKeyedOperator{TKey,TIn,TOut}.ProcessWatermark"/>).</summary>
    /// <param name="watermark">The combined watermark (epoch ms).</param>
    /// <param name="output">Receives what fires.</param>
    void ProcessWatermark(long watermark, IOperatorOutput<TOut> output);

    /// <summary>Fires processing-time timers up to <paramref name="nowMs"/>.</summary>
    /// <param name="nowMs">The current processing time (epoch ms).</param>
    /// <param name="output">Receives what fires.</param>
    void AdvanceProcessingTime(long nowMs, IOperatorOutput<TOut> output);
}
