namespace ActorFlow.Operators;

/// <summary>
/// The part of the host contract that does not depend on record types: time, counters and snapshots.
/// An operator instance holds the state of MANY keys (a key group) and is not thread-safe: the host
/// calls it from one thread at a time (an actor does).
/// </summary>
public interface IKeyedOperator
{
    /// <summary>Gets the highest watermark processed (<see cref="long.MinValue"/> before the first).</summary>
    long CurrentWatermark { get; }

    /// <summary>Gets the earliest pending processing-time timer (epoch ms), or <c>null</c> when there is none;
    /// once it is due, the host calls <c>AdvanceProcessingTime</c> (ActorFlow's key groups at their next input).</summary>
    long? NextProcessingTimeTimer { get; }

    /// <summary>Gets the number of records sent to a late-data side output since the operator was created
    /// (restored from snapshots).</summary>
    long LateRecordCount { get; }

    /// <summary>Gets the number of records sent to the rejected side output (null key, invalid timestamp).</summary>
    long RejectedRecordCount { get; }

    /// <summary>
    /// Gets a value indicating whether a fresh operator restored from a snapshot and given the same records,
    /// watermarks and processing-time advances afterwards reaches the same state: nothing it keeps depends on the
    /// wall clock read during processing, and it keeps no input record object that user code could modify. The host
    /// may then restart it alone after it throws, by replaying what it applied since its last snapshot. Default
    /// <c>false</c> (event-time aggregating windows say <c>true</c>).
    /// </summary>
    bool ReplaysDeterministically => false;

    /// <summary>Writes the complete operator state (watermark, windows, timers, keyed state, counters) as
    /// versioned bytes to <paramref name="writer"/>.</summary>
    /// <param name="writer">The destination.</param>
    void Snapshot(System.Buffers.IBufferWriter<byte> writer);

    /// <summary>Replaces the operator state by a snapshot taken from an operator built the same way.
    /// Call it on a fresh operator, before any record. A watermark kept in the snapshot resumes as
    /// <see cref="Watermark.Restored"/> gives it (a snapshot taken after the end of a bounded input starts event time again).</summary>
    /// <param name="state">Bytes written by <see cref="Snapshot(System.Buffers.IBufferWriter{byte})"/>.</param>
    /// <exception cref="InvalidDataException">The bytes are not a snapshot of this kind of operator, or of an unknown version.</exception>
    void Restore(ReadOnlySpan<byte> state);
}

/// <summary>
/// A one-input keyed operator as hosted by the runtime: a window operator or a keyed process function.
/// </summary>
/// <typeparam name="TKey">The key type; compared with <see cref="EqualityComparer{T}.Default"/>.</typeparam>
/// <typeparam name="TIn">The input record type.</typeparam>
/// <typeparam name="TOut">The main output type.</typeparam>
public interface IKeyedOperator<in TKey, in TIn, out TOut> : IKeyedOperator
{
    /// <summary>Processes one record. A null key or an invalid timestamp (for event-time operators) sends the
    /// record to <see cref="OutputTags.Rejected{T}"/>; a record too late sends it to <see cref="OutputTags.LateData{T}"/>.</summary>
    /// <param name="key">The record's key.</param>
    /// <param name="value">The record.</param>
    /// <param name="timestamp">The record's event timestamp (epoch ms).</param>
    /// <param name="output">Receives what the record causes to be emitted.</param>
    void ProcessElement(TKey key, TIn value, long timestamp, IOperatorOutput<TOut> output);

    /// <summary>Advances event time: fires every event-time timer and window whose time is at most
    /// <paramref name="watermark"/>, in timestamp order. A watermark not above the current one is ignored.</summary>
    /// <param name="watermark">The combined watermark of the operator's inputs (epoch ms).</param>
    /// <param name="output">Receives what fires.</param>
    void ProcessWatermark(long watermark, IOperatorOutput<TOut> output);

    /// <summary>Fires every processing-time timer and window whose time is at most <paramref name="nowMs"/>.</summary>
    /// <param name="nowMs">The current processing time (epoch ms), normally the injected <see cref="TimeProvider"/>'s now.</param>
    /// <param name="output">Receives what fires.</param>
    void AdvanceProcessingTime(long nowMs, IOperatorOutput<TOut> output);
}
