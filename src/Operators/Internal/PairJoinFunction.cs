using ActorFlow.Operators.Functions;

namespace ActorFlow.Operators.Internal;

/// <summary>INTERNAL API. A <c>Func</c> joining one pair into one result, as a <see cref="ProcessJoinFunction{TIn1, TIn2, TOut}"/> (the interval join's Func overloads, here and in the job DSL).</summary>
internal sealed class PairJoinFunction<TIn1, TIn2, TOut>(Func<TIn1, TIn2, TOut> join) : ProcessJoinFunction<TIn1, TIn2, TOut>
{
    public override void ProcessElement(TIn1 left, TIn2 right, Context context, ICollector<TOut> output) => output.Collect(join(left, right));
}
