using System.Buffers;

namespace ActorFlow.Operators.Internal;

/// <summary>Boxes records and results around a generic operator.</summary>
internal sealed class UntypedKeyedOperator<TKey, TIn, TOut>(IKeyedOperator<TKey, TIn, TOut> inner) : IUntypedKeyedOperator
{
    private readonly BoxingOutput _output = new();

    public Type KeyType => typeof(TKey);

    public Type InputType => typeof(TIn);

    public Type OutputType => typeof(TOut);

    public long CurrentWatermark => inner.CurrentWatermark;

    public long? NextProcessingTimeTimer => inner.NextProcessingTimeTimer;

    public long LateRecordCount => inner.LateRecordCount;

    public long RejectedRecordCount => inner.RejectedRecordCount;

    public bool ReplaysDeterministically => inner.ReplaysDeterministically;

    public void ProcessElement(object? key, object? value, long timestamp, IOperatorOutput<object?> output)
    {
        _output.Target = output;
        inner.ProcessElement((TKey)key!, (TIn)value!, timestamp, _output);
    }

    public void ProcessWatermark(long watermark, IOperatorOutput<object?> output)
    {
        _output.Target = output;
        inner.ProcessWatermark(watermark, _output);
    }

    public void AdvanceProcessingTime(long nowMs, IOperatorOutput<object?> output)
    {
        _output.Target = output;
        inner.AdvanceProcessingTime(nowMs, _output);
    }

    public void Snapshot(IBufferWriter<byte> writer) => inner.Snapshot(writer);

    public void Restore(ReadOnlySpan<byte> state) => inner.Restore(state);

    private sealed class BoxingOutput : IOperatorOutput<TOut>
    {
        public IOperatorOutput<object?> Target { get; set; } = null!;

        public void Collect(TOut value, long timestamp) => Target.Collect(value, timestamp);

        public void CollectSide<T>(OutputTag<T> tag, T value, long timestamp) => Target.CollectSide(tag, value, timestamp);
    }
}
