namespace ActorFlow.Operators;

/// <summary>
/// An object-typed view of a one-input keyed operator, for hosts that hold operators of types they do not
/// know statically (see <see cref="KeyedOperatorExtensions.AsUntyped{TKey,TIn,TOut}"/>). Records and results
/// are boxed; prefer the generic interface on hot paths.
/// </summary>
internal interface IUntypedKeyedOperator : IKeyedOperator
{
    /// <summary>Gets the key type.</summary>
    Type KeyType { get; }

    /// <summary>Gets the input record type.</summary>
    Type InputType { get; }

    /// <summary>Gets the main output type.</summary>
    Type OutputType { get; }

    /// <summary>Processes one record (see <see cref="IKeyedOperator{TKey,TIn,TOut}.ProcessElement"/>).</summary>
    /// <param name="key">The key, of <see cref="KeyType"/> (or <c>null</c>, which is rejected to the side output).</param>
    /// <param name="value">The record, of <see cref="InputType"/>.</param>
    /// <param name="timestamp">Its event timestamp.</param>
    /// <param name="output">Receives boxed results.</param>
    /// <exception cref="InvalidCastException">The key or record is of another type.</exception>
    void ProcessElement(object? key, object? value, long timestamp, IOperatorOutput<object?> output);

    /// <summary>Advances event time.</summary>
    /// <param name="watermark">The watermark.</param>
    /// <param name="output">Receives boxed results.</param>
    void ProcessWatermark(long watermark, IOperatorOutput<object?> output);

    /// <summary>Fires processing-time timers up to <paramref name="nowMs"/>.</summary>
    /// <param name="nowMs">The current processing time.</param>
    /// <param name="output">Receives boxed results.</param>
    void AdvanceProcessingTime(long nowMs, IOperatorOutput<object?> output);
}
