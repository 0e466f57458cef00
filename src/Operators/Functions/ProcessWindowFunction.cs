using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Functions;

/// <summary>
/// Processes all the elements of a window at once, with the window's metadata, as Flink's
/// <c>ProcessWindowFunction</c>. Combined with an aggregate or reduce function, it receives the single
/// pre-aggregated value.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TIn">The element type.</typeparam>
/// <typeparam name="TOut">The output type.</typeparam>
public abstract class ProcessWindowFunction<TKey, TIn, TOut>
{
    /// <summary>Evaluates a window. Results carry the window's max timestamp.</summary>
    /// <param name="key">The key.</param>
    /// <param name="context">The window's context.</param>
    /// <param name="elements">The window's elements in arrival order (valid only during the call).</param>
    /// <param name="output">The main output.</param>
    public abstract void Process(TKey key, ProcessWindowContext context, IReadOnlyList<TIn> elements, ICollector<TOut> output);

    /// <summary>Called when the window is removed (its window-scoped state is cleared automatically afterwards).</summary>
    /// <param name="context">The window's context.</param>
    public virtual void Clear(ProcessWindowContext context)
    {
    }
}

/// <summary>What a <see cref="ProcessWindowFunction{TKey,TIn,TOut}"/> sees about the window being evaluated.</summary>
public abstract class ProcessWindowContext
{
    /// <summary>Gets the window.</summary>
    public abstract TimeWindow Window { get; }

    /// <summary>Gets the current watermark.</summary>
    public abstract long CurrentWatermark { get; }

    /// <summary>Gets the current processing time.</summary>
    public abstract long CurrentProcessingTime { get; }

    /// <summary>Gets state scoped to the current key and window (cleared when the window is removed).</summary>
    public abstract IKeyedStateStore WindowState { get; }

    /// <summary>Gets state scoped to the current key, shared by all its windows.</summary>
    public abstract IKeyedStateStore GlobalState { get; }

    /// <summary>Emits to a side output (with the window's max timestamp).</summary>
    /// <typeparam name="T">The side output's type.</typeparam>
    /// <param name="tag">The side output.</param>
    /// <param name="value">The record.</param>
    public abstract void Output<T>(OutputTag<T> tag, T value);
}
