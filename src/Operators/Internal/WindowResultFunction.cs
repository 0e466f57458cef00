using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>The process-window function behind <c>Aggregate(agg, (key, window, result) =&gt; ...)</c>: one output per firing.</summary>
internal sealed class WindowResultFunction<TKey, TIn, TOut>(Func<TKey, TimeWindow, TIn, TOut> result) : ProcessWindowFunction<TKey, TIn, TOut>
{
    public override void Process(TKey key, ProcessWindowContext context, IReadOnlyList<TIn> elements, ICollector<TOut> output) =>
        output.Collect(result(key, context.Window, elements[0]));
}
