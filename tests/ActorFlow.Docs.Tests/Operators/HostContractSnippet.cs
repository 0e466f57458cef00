using System.Buffers;
using ActorFlow.Operators;

// The host contract as docs/operators.md shows it ("The host contract"): copies of the interfaces of
// ActorFlow.Operators in a namespace of their own, so they compile; HostContractSnippetSpec checks that each copy
// declares the same members as the real interface.
namespace ActorFlow.Docs.Tests.Operators.HostContract;

// begin-snippet: operators-host-contract
public interface IOperatorOutput<in TOut> {
    void Collect(TOut value, long timestamp);                            // main output
    void CollectSide<T>(OutputTag<T> tag, T value, long timestamp);      // side outputs (late data, rejected, user tags)
}
public interface IKeyedOperator {                                        // type-free part
    long CurrentWatermark { get; }
    long? NextProcessingTimeTimer { get; }                               // when due: AdvanceProcessingTime
    long LateRecordCount { get; }
    long RejectedRecordCount { get; }
    bool ReplaysDeterministically => false;                              // true: a failing key group may restart alone
    void Snapshot(IBufferWriter<byte> writer);                           // + extension byte[] SnapshotToArray()
    void Restore(ReadOnlySpan<byte> state);                              // on a fresh operator, before any record
}
public interface IKeyedOperator<in TKey, in TIn, out TOut> : IKeyedOperator {
    void ProcessElement(TKey key, TIn value, long timestamp, IOperatorOutput<TOut> output);
    void ProcessWatermark(long watermark, IOperatorOutput<TOut> output); // fires event-time timers/windows ≤ watermark
    void AdvanceProcessingTime(long nowMs, IOperatorOutput<TOut> output);// fires processing-time timers/windows ≤ now
}
public interface ITwoInputKeyedOperator<in TKey, in TIn1, in TIn2, out TOut> : IKeyedOperator {
    void ProcessElement1(TKey key, TIn1 value, long timestamp, IOperatorOutput<TOut> output);
    void ProcessElement2(TKey key, TIn2 value, long timestamp, IOperatorOutput<TOut> output);
    void ProcessWatermark(long watermark, IOperatorOutput<TOut> output);
    void AdvanceProcessingTime(long nowMs, IOperatorOutput<TOut> output);
}
// end-snippet
