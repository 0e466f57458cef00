using System.Buffers;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// The per-second count of <see cref="ClickTopics.ExactlyOnceCountJob"/> with <paramref name="label"/>, behind a plain
/// <see cref="IKeyedOperator{TKey,TIn,TOut}"/> that only delegates: a custom operator the runtime cannot tell to
/// isolate failed firings, so with local restarts off every throw of the label fails the job over (what the
/// restart-strategy specs need; in the library's own window operator a firing that throws again is dead-lettered).
/// </summary>
internal sealed class OpaqueOperator(ProcessWindowFunction<string, long, string> label) : IKeyedOperator<string, Click, string>
{
    private readonly IKeyedOperator<string, Click, string> _inner = WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
        .Aggregate(new CountAggregate(), label);

    public long CurrentWatermark => _inner.CurrentWatermark;

    public long? NextProcessingTimeTimer => _inner.NextProcessingTimeTimer;

    public long LateRecordCount => _inner.LateRecordCount;

    public long RejectedRecordCount => _inner.RejectedRecordCount;

    public void Snapshot(IBufferWriter<byte> writer) => _inner.Snapshot(writer);

    public void Restore(ReadOnlySpan<byte> state) => _inner.Restore(state);

    public void ProcessElement(string key, Click value, long timestamp, IOperatorOutput<string> output) => _inner.ProcessElement(key, value, timestamp, output);

    public void ProcessWatermark(long watermark, IOperatorOutput<string> output) => _inner.ProcessWatermark(watermark, output);

    public void AdvanceProcessingTime(long nowMs, IOperatorOutput<string> output) => _inner.AdvanceProcessingTime(nowMs, output);
}
