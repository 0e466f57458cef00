using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing.Evictors;

namespace ActorFlow.Operators.Internal;

/// <summary>Keeps every record of a window (with its timestamp); applies the evictor and then a function at firing time.</summary>
internal sealed class BufferContents<TKey, TIn, TOut> : WindowContents<TKey, TIn, List<TimestampedValue<TIn>>, TOut>
{
    private readonly Evictor? _evictor;
    private readonly BufferFunction<TKey, TIn, TOut> _function;
    private readonly EvictionBuffer<TIn> _buffer = new();
    private readonly ValuesView<TIn> _view = new();

    public BufferContents(Evictor? evictor, BufferFunction<TKey, TIn, TOut> function, ITypeSerializer<TIn> elementSerializer)
        : base(Serializers.List(Serializers.Create<TimestampedValue<TIn>>(
            (w, v) =>
            {
                w.WriteInt64(v.Timestamp);
                elementSerializer.Write(w, v.Value);
            },
            (ref StateReader r) =>
            {
                var ts = r.ReadInt64();
                return new TimestampedValue<TIn>(elementSerializer.Read(ref r), ts);
            })))
    {
        _evictor = evictor;
        _function = function;
    }

    public override bool UsesWindowState => _function.UsesWindowState;

    public override void Add(ref List<TimestampedValue<TIn>> state, bool isNew, TIn value, long timestamp)
    {
        if (isNew || state is null)
        {
            state = [];
        }

        state.Add(new TimestampedValue<TIn>(value, timestamp));
    }

    public override List<TimestampedValue<TIn>> Merge(List<TimestampedValue<TIn>> target, List<TimestampedValue<TIn>> source)
    {
        target.AddRange(source);
        return target;
    }

    public override void Emit(TKey key, ref List<TimestampedValue<TIn>> state, WindowProcessContext<TKey, TOut> context)
    {
        _buffer.Items = state;
        _evictor?.EvictBefore(_buffer, context.CurrentWindow, context.CurrentWatermark);
        _view.Items = state;
        _function.Apply(key, _view, context);
        _evictor?.EvictAfter(_buffer, context.CurrentWindow, context.CurrentWatermark);
        _buffer.Items = null!;
        _view.Items = null!;
    }

    public override bool IsEmpty(List<TimestampedValue<TIn>> state) => state.Count == 0;

    public override void OnClear(WindowProcessContext<TKey, TOut> context) => _function.OnClear(context);

    private sealed class EvictionBuffer<T> : IEvictionBuffer
    {
        public List<TimestampedValue<T>> Items { get; set; } = null!;

        public int Count => Items.Count;

        public long GetTimestamp(int index) => Items[index].Timestamp;

        public void RemoveFirst(int count) => Items.RemoveRange(0, Math.Min(count, Items.Count));

        public void RemoveWhere(Func<int, long, bool> evict)
        {
            ArgumentNullException.ThrowIfNull(evict);
            var write = 0;
            for (var read = 0; read < Items.Count; read++)
            {
                if (!evict(read, Items[read].Timestamp))
                {
                    Items[write++] = Items[read];
                }
            }

            Items.RemoveRange(write, Items.Count - write);
        }
    }
}

/// <summary>A read-only view of the values of a buffer (reused; valid during one evaluation).</summary>
internal sealed class ValuesView<T> : IReadOnlyList<T>
{
    public List<TimestampedValue<T>> Items { get; set; } = null!;

    public int Count => Items.Count;

    public T this[int index] => Items[index].Value;

    public IEnumerator<T> GetEnumerator()
    {
        for (var i = 0; i < Items.Count; i++)
        {
            yield return Items[i].Value;
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>What a buffered window computes at firing time.</summary>
internal abstract class BufferFunction<TKey, TIn, TOut>
{
    public virtual bool UsesWindowState => false;

    public abstract void Apply(TKey key, IReadOnlyList<TIn> elements, WindowProcessContext<TKey, TOut> context);

    public virtual void OnClear(WindowProcessContext<TKey, TOut> context)
    {
    }
}

internal sealed class ProcessBufferFunction<TKey, TIn, TOut>(ProcessWindowFunction<TKey, TIn, TOut> function) : BufferFunction<TKey, TIn, TOut>
{
    public override bool UsesWindowState => true;

    public override void Apply(TKey key, IReadOnlyList<TIn> elements, WindowProcessContext<TKey, TOut> context) =>
        function.Process(key, context, elements, context);

    public override void OnClear(WindowProcessContext<TKey, TOut> context) => function.Clear(context);
}

internal sealed class AggregateBufferFunction<TKey, TIn, TAcc, TMid, TOut>(
    IAggregateFunction<TIn, TAcc, TMid> aggregate, ProcessWindowFunction<TKey, TMid, TOut>? function) : BufferFunction<TKey, TIn, TOut>
{
    public override bool UsesWindowState => function is not null;

    public override void Apply(TKey key, IReadOnlyList<TIn> elements, WindowProcessContext<TKey, TOut> context)
    {
        var acc = aggregate.CreateAccumulator();
        for (var i = 0; i < elements.Count; i++)
        {
            acc = aggregate.Add(elements[i], acc);
        }

        var result = aggregate.GetResult(acc);
        if (function is null)
        {
            ((ICollector<TMid>)(object)context).Collect(result);
        }
        else
        {
            function.Process(key, context, [result], context);
        }
    }

    public override void OnClear(WindowProcessContext<TKey, TOut> context) => function?.Clear(context);
}

internal sealed class ReduceBufferFunction<TKey, TIn, TOut>(Func<TIn, TIn, TIn> reduce, ProcessWindowFunction<TKey, TIn, TOut>? function)
    : BufferFunction<TKey, TIn, TOut>
{
    public override bool UsesWindowState => function is not null;

    public override void Apply(TKey key, IReadOnlyList<TIn> elements, WindowProcessContext<TKey, TOut> context)
    {
        if (elements.Count == 0)
        {
            return;
        }

        var acc = elements[0];
        for (var i = 1; i < elements.Count; i++)
        {
            acc = reduce(acc, elements[i]);
        }

        if (function is null)
        {
            ((ICollector<TIn>)(object)context).Collect(acc);
        }
        else
        {
            function.Process(key, context, [acc], context);
        }
    }

    public override void OnClear(WindowProcessContext<TKey, TOut> context) => function?.Clear(context);
}
