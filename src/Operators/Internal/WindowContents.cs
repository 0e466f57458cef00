using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>
/// What a window keeps and how it is evaluated: an accumulator (aggregate, reduce) or a buffer of all
/// records (process-window functions, evictors).
/// </summary>
internal abstract class WindowContents<TKey, TIn, TState, TOut>
{
    protected WindowContents(ITypeSerializer<TState> serializer) => Serializer = serializer;

    public ITypeSerializer<TState> Serializer { get; }

    /// <summary>Gets a value indicating whether user code may use window-scoped state (so it must be cleared).</summary>
    public virtual bool UsesWindowState => false;

    /// <summary>
    /// Gets a value indicating whether the contents keep accumulators only, never an input record object (which a
    /// user function could modify in place, so that a replay of the logged records would not give the same state).
    /// </summary>
    public virtual bool KeepsNoRecords => false;

    /// <summary>
    /// Gets a value indicating whether records may be folded into partial states ahead of the window and merged into it
    /// (<see cref="IPreAggregating{TKey, TIn, TOut}"/>): contents that keep one accumulator or reduced value, whose merge
    /// gives what adding the records one by one gives.
    /// </summary>
    public virtual bool Combines => false;

    /// <summary>
    /// Checks, on two of a run's records, that merging their states (each added to a new state) gives the state adding
    /// both to one gives, in both orders: a check before any record is pre-aggregated, which a merge that drops one of its
    /// arguments fails (<see cref="AggregateMerge.Check"/>). Contents whose merge is their add (a reduce) always agree.
    /// </summary>
    public virtual MergeCheck CheckMerge(TIn first, TIn second) => MergeCheck.Agrees;

    public abstract void Add(ref TState state, bool isNew, TIn value, long timestamp);

    public abstract TState Merge(TState target, TState source);

    public abstract void Emit(TKey key, ref TState state, WindowProcessContext<TKey, TOut> context);

    /// <summary>
    /// Tells whether <paramref name="state"/> holds nothing after an emission: an evictor removed every record of the
    /// buffer. The window then has no contents, as in Flink's <c>EvictingWindowOperator</c>, which rewrites the window's
    /// list state with the records the evictor kept (none: the state is gone). Accumulators never empty.
    /// </summary>
    public virtual bool IsEmpty(TState state) => false;

    public virtual void OnClear(WindowProcessContext<TKey, TOut> context)
    {
    }
}

internal sealed class AggregateContents<TKey, TIn, TAcc, TOut>(IAggregateFunction<TIn, TAcc, TOut> aggregate, ITypeSerializer<TAcc> serializer)
    : WindowContents<TKey, TIn, TAcc, TOut>(serializer)
{
    public override bool KeepsNoRecords => true;

    // Merge is asked of an aggregate function for session windows only in Flink, so a function may refuse it (throw
    // NotSupportedException): then its records are not pre-aggregated.
    private bool? _combines;

    public override bool Combines => _combines ??= AggregateMerge.Works(aggregate);

    public override MergeCheck CheckMerge(TIn first, TIn second) => AggregateMerge.Check(aggregate, Serializer, first, second);

    public override void Add(ref TAcc state, bool isNew, TIn value, long timestamp)
    {
        if (isNew)
        {
            state = aggregate.CreateAccumulator();
        }

        state = aggregate.Add(value, state);
    }

    public override TAcc Merge(TAcc target, TAcc source) => aggregate.Merge(target, source);

    public override void Emit(TKey key, ref TAcc state, WindowProcessContext<TKey, TOut> context) =>
        context.Collect(aggregate.GetResult(state));
}

internal sealed class AggregateProcessContents<TKey, TIn, TAcc, TMid, TOut>(
    IAggregateFunction<TIn, TAcc, TMid> aggregate, ProcessWindowFunction<TKey, TMid, TOut> function, ITypeSerializer<TAcc> serializer)
    : WindowContents<TKey, TIn, TAcc, TOut>(serializer)
{
    public override bool KeepsNoRecords => true;

    // Merge is asked of an aggregate function for session windows only in Flink, so a function may refuse it (throw
    // NotSupportedException): then its records are not pre-aggregated.
    private bool? _combines;

    public override bool Combines => _combines ??= AggregateMerge.Works(aggregate);

    public override MergeCheck CheckMerge(TIn first, TIn second) => AggregateMerge.Check(aggregate, Serializer, first, second);

    private readonly TMid[] _single = new TMid[1];

    public override bool UsesWindowState => true;

    public override void Add(ref TAcc state, bool isNew, TIn value, long timestamp)
    {
        if (isNew)
        {
            state = aggregate.CreateAccumulator();
        }

        state = aggregate.Add(value, state);
    }

    public override TAcc Merge(TAcc target, TAcc source) => aggregate.Merge(target, source);

    public override void Emit(TKey key, ref TAcc state, WindowProcessContext<TKey, TOut> context)
    {
        _single[0] = aggregate.GetResult(state);
        function.Process(key, context, _single, context);
        _single[0] = default!;
    }

    public override void OnClear(WindowProcessContext<TKey, TOut> context) => function.Clear(context);
}

internal sealed class ReduceContents<TKey, TIn>(Func<TIn, TIn, TIn> reduce, ITypeSerializer<TIn> serializer)
    : WindowContents<TKey, TIn, TIn, TIn>(serializer)
{
    public override bool Combines => true;

    public override void Add(ref TIn state, bool isNew, TIn value, long timestamp) =>
        state = isNew ? value : reduce(state, value);

    public override TIn Merge(TIn target, TIn source) => reduce(target, source);

    public override void Emit(TKey key, ref TIn state, WindowProcessContext<TKey, TIn> context) => context.Collect(state);
}

internal sealed class ReduceProcessContents<TKey, TIn, TOut>(Func<TIn, TIn, TIn> reduce, ProcessWindowFunction<TKey, TIn, TOut> function, ITypeSerializer<TIn> serializer)
    : WindowContents<TKey, TIn, TIn, TOut>(serializer)
{
    private readonly TIn[] _single = new TIn[1];

    public override bool UsesWindowState => true;

    public override bool Combines => true;

    public override void Add(ref TIn state, bool isNew, TIn value, long timestamp) =>
        state = isNew ? value : reduce(state, value);

    public override TIn Merge(TIn target, TIn source) => reduce(target, source);

    public override void Emit(TKey key, ref TIn state, WindowProcessContext<TKey, TOut> context)
    {
        _single[0] = state;
        function.Process(key, context, _single, context);
        _single[0] = default!;
    }

    public override void OnClear(WindowProcessContext<TKey, TOut> context) => function.Clear(context);
}

/// <summary>INTERNAL API. Whether an aggregate function merges accumulators.</summary>
internal static class AggregateMerge
{
    /// <summary>
    /// Merges two empty accumulators once: false when the function refuses (throws), as a function written for tumbling
    /// or sliding windows only may do in Flink, where merge is asked for session windows only.
    /// </summary>
    public static bool Works<TIn, TAcc, TOut>(IAggregateFunction<TIn, TAcc, TOut> aggregate)
    {
        try
        {
            aggregate.Merge(aggregate.CreateAccumulator(), aggregate.CreateAccumulator());
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return false;
        }
    }

    /// <summary>
    /// Merges the accumulators of <paramref name="first"/> and <paramref name="second"/> (each added to a new one) and
    /// compares the bytes the state serializer writes of the result with those of both added to one accumulator, in both
    /// orders (<see cref="WindowContents{TKey, TIn, TState, TOut}.CheckMerge"/>). A merge returning one of its arguments, a
    /// new or a default accumulator differs when the two records' accumulators differ; when they are the same (two
    /// equal readings for a maximum) the pair tells nothing about such a merge (<see cref="MergeCheck.SameAccumulators"/>),
    /// unless adding a record twice differs from adding it once (a count). A merge or serializer that throws, or an
    /// accumulator that is its record (adding to it would change a record that goes on), differs.
    /// </summary>
    public static MergeCheck Check<TIn, TAcc, TOut>(IAggregateFunction<TIn, TAcc, TOut> aggregate, ITypeSerializer<TAcc> serializer, TIn first, TIn second)
    {
        var one = Single(first);
        if (one.Check is { } firstCheck)
        {
            return firstCheck == MergeCheck.SecondUnusable ? MergeCheck.FirstUnusable : firstCheck;
        }

        var two = Single(second);
        if (two.Check is { } secondCheck)
        {
            return secondCheck;
        }

        try
        {
            if (!Agrees(first, second) || !Agrees(second, first))
            {
                return MergeCheck.Differs;
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return MergeCheck.Differs;
        }

        return one.Bytes.AsSpan().SequenceEqual(two.Bytes) ? MergeCheck.SameAccumulators : MergeCheck.Agrees;

        // The accumulator of the record alone, as bytes; or why the pair cannot be checked with it (Add threw: another
        // record may do; the accumulator is the record, or cannot be written: no pair can).
        (byte[] Bytes, MergeCheck? Check) Single(TIn value)
        {
            TAcc accumulator;
            try
            {
                accumulator = aggregate.Add(value, aggregate.CreateAccumulator());
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return ([], MergeCheck.SecondUnusable);
            }

            if (!typeof(TAcc).IsValueType && accumulator is not null && ReferenceEquals(accumulator, value))
            {
                return ([], MergeCheck.Differs);
            }

            try
            {
                return (Bytes(accumulator), null);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return ([], MergeCheck.Differs);
            }
        }

        bool Agrees(TIn a, TIn b)
        {
            var merged = aggregate.Merge(aggregate.Add(a, aggregate.CreateAccumulator()), aggregate.Add(b, aggregate.CreateAccumulator()));
            var added = aggregate.Add(b, aggregate.Add(a, aggregate.CreateAccumulator()));
            return Bytes(merged).AsSpan().SequenceEqual(Bytes(added));
        }

        byte[] Bytes(TAcc accumulator)
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            serializer.Write(new StateWriter(buffer), accumulator);
            return buffer.WrittenSpan.ToArray();
        }
    }
}

/// <summary>INTERNAL API. What checking a merge on two records found (<see cref="AggregateMerge.Check"/>).</summary>
internal enum MergeCheck
{
    /// <summary>The merge gives what adding gives, and the two records' accumulators differ.</summary>
    Agrees,

    /// <summary>The merge gives what adding gives, but the two records have the same accumulator: another pair may tell more.</summary>
    SameAccumulators,

    /// <summary>The merge gives something else, throws, or the function cannot be checked without changing a record.</summary>
    Differs,

    /// <summary>Adding the first record threw: check with another one.</summary>
    FirstUnusable,

    /// <summary>Adding the second record threw: check with another one.</summary>
    SecondUnusable,
}
