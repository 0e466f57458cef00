using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing.Evictors;
using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Windowing;

/// <summary>
/// A window spec (assigner + trigger + evictor + allowed lateness) that builds keyed window operators with
/// a window function. Validation happens here, at build time: a bad spec throws <see cref="ArgumentException"/>
/// naming the problem. Each build returns a new, independent operator.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TIn">The input type.</typeparam>
public sealed class WindowOperatorBuilder<TKey, TIn>
    where TKey : notnull
{
    private readonly WindowAssigner _assigner;
    private Trigger? _trigger;
    private Evictor? _evictor;
    private long _allowedLateness;
    private OutputTag<TIn>? _lateTag = OutputTags.LateData<TIn>();
    private OutputTag<LateRecord<TKey, TIn>>? _keyedLateTag;
    private SerializerRegistry? _serializers;
    private TimeProvider _clock = DrivenClock.Default;

    internal WindowOperatorBuilder(WindowAssigner assigner)
    {
        ArgumentNullException.ThrowIfNull(assigner);
        _assigner = assigner;
    }

    /// <summary>Replaces the assigner's default trigger.</summary>
    /// <param name="trigger">The trigger.</param>
    /// <returns>This builder.</returns>
    public WindowOperatorBuilder<TKey, TIn> WithTrigger(Trigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        _trigger = trigger;
        return this;
    }

    /// <summary>Adds an evictor (the window then buffers all records; when sessions merge, their buffers are joined).</summary>
    /// <param name="evictor">The evictor.</param>
    /// <returns>This builder.</returns>
    public WindowOperatorBuilder<TKey, TIn> WithEvictor(Evictor evictor)
    {
        ArgumentNullException.ThrowIfNull(evictor);
        _evictor = evictor;
        return this;
    }

    /// <summary>Keeps event-time windows for <paramref name="lateness"/> after they fire; records within it
    /// update and re-fire the window, later ones go to the late-data side output. Default zero.</summary>
    /// <param name="lateness">Not negative, whole milliseconds.</param>
    /// <returns>This builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="lateness"/> is negative or has a sub-millisecond part.</exception>
    public WindowOperatorBuilder<TKey, TIn> WithAllowedLateness(TimeSpan lateness)
    {
        if (lateness < TimeSpan.Zero)
        {
            throw new ArgumentException($"The allowed lateness must not be negative but was {lateness}.", nameof(lateness));
        }

        _allowedLateness = Timestamps.ToWholeMillis(lateness, nameof(lateness));
        return this;
    }

    /// <summary>Sends late records to <paramref name="tag"/> instead of <see cref="OutputTags.LateData{T}"/>.</summary>
    /// <param name="tag">The side output.</param>
    /// <returns>This builder.</returns>
    public WindowOperatorBuilder<TKey, TIn> WithLateDataOutput(OutputTag<TIn> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        _lateTag = tag;
        _keyedLateTag = null;
        return this;
    }

    /// <summary>Sends late records with their key, as <see cref="LateRecord{TKey,T}"/>, to <paramref name="tag"/>
    /// (e.g. <see cref="OutputTags.LateRecords{TKey,T}"/>) instead of the records alone to <see cref="OutputTags.LateData{T}"/>.</summary>
    /// <param name="tag">The side output.</param>
    /// <returns>This builder.</returns>
    public WindowOperatorBuilder<TKey, TIn> WithLateDataOutput(OutputTag<LateRecord<TKey, TIn>> tag)
    {
        ArgumentNullException.ThrowIfNull(tag);
        _keyedLateTag = tag;
        _lateTag = null;
        return this;
    }

    /// <summary>
    /// Uses <paramref name="serializers"/> for keys, accumulators, buffered records and state; in a job, the job's
    /// registry (<c>StreamJobBuilder.WithSerializers</c>) serves the types it lacks. Without it, the job's registry alone.
    /// </summary>
    /// <param name="serializers">The registry.</param>
    /// <returns>This builder.</returns>
    public WindowOperatorBuilder<TKey, TIn> WithSerializers(SerializerRegistry serializers)
    {
        ArgumentNullException.ThrowIfNull(serializers);
        _serializers = serializers;
        return this;
    }

    /// <summary>Uses <paramref name="clock"/> for processing time (default <see cref="TimeProvider.System"/>).</summary>
    /// <param name="clock">The clock.</param>
    /// <returns>This builder.</returns>
    public WindowOperatorBuilder<TKey, TIn> WithTimeProvider(TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(clock);
        _clock = clock;
        return this;
    }

    /// <summary>Builds an operator that reduces each window's records to one.</summary>
    /// <param name="reduce">Folds two records into one.</param>
    /// <returns>The operator.</returns>
    public IKeyedOperator<TKey, TIn, TIn> Reduce(Func<TIn, TIn, TIn> reduce)
    {
        ArgumentNullException.ThrowIfNull(reduce);
        Validate();
        return _evictor is null
            ? Build(new ReduceContents<TKey, TIn>(reduce, Registry.Get<TIn>()))
            : Build(new BufferContents<TKey, TIn, TIn>(_evictor, new ReduceBufferFunction<TKey, TIn, TIn>(reduce, null), Registry.Get<TIn>()));
    }

    /// <summary>Builds an operator that reduces each window and passes the result to a process-window function.</summary>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="reduce">Folds two records into one.</param>
    /// <param name="function">Receives the reduced record with the window's metadata.</param>
    /// <returns>The operator.</returns>
    public IKeyedOperator<TKey, TIn, TOut> Reduce<TOut>(Func<TIn, TIn, TIn> reduce, ProcessWindowFunction<TKey, TIn, TOut> function)
    {
        ArgumentNullException.ThrowIfNull(reduce);
        ArgumentNullException.ThrowIfNull(function);
        Validate();
        return _evictor is null
            ? Build(new ReduceProcessContents<TKey, TIn, TOut>(reduce, function, Registry.Get<TIn>()))
            : Build(new BufferContents<TKey, TIn, TOut>(_evictor, new ReduceBufferFunction<TKey, TIn, TOut>(reduce, function), Registry.Get<TIn>()));
    }

    /// <summary>Builds an operator that aggregates each window incrementally (merge is used when sessions merge).</summary>
    /// <typeparam name="TAcc">The accumulator type (needs a serializer).</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="aggregate">The aggregate function.</param>
    /// <returns>The operator.</returns>
    public IKeyedOperator<TKey, TIn, TOut> Aggregate<TAcc, TOut>(IAggregateFunction<TIn, TAcc, TOut> aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        Validate();
        return _evictor is null
            ? Build(new AggregateContents<TKey, TIn, TAcc, TOut>(aggregate, Registry.Get<TAcc>()))
            : Build(new BufferContents<TKey, TIn, TOut>(_evictor, new AggregateBufferFunction<TKey, TIn, TAcc, TOut, TOut>(aggregate, null), Registry.Get<TIn>()));
    }

    /// <summary>Builds an operator that aggregates each window incrementally and passes the result to a process-window function.</summary>
    /// <typeparam name="TAcc">The accumulator type (needs a serializer).</typeparam>
    /// <typeparam name="TMid">The aggregate's result type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="aggregate">The aggregate function.</param>
    /// <param name="function">Receives the aggregate's result with the window's metadata.</param>
    /// <returns>The operator.</returns>
    public IKeyedOperator<TKey, TIn, TOut> Aggregate<TAcc, TMid, TOut>(IAggregateFunction<TIn, TAcc, TMid> aggregate, ProcessWindowFunction<TKey, TMid, TOut> function)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(function);
        Validate();
        return _evictor is null
            ? Build(new AggregateProcessContents<TKey, TIn, TAcc, TMid, TOut>(aggregate, function, Registry.Get<TAcc>()))
            : Build(new BufferContents<TKey, TIn, TOut>(_evictor, new AggregateBufferFunction<TKey, TIn, TAcc, TMid, TOut>(aggregate, function), Registry.Get<TIn>()));
    }

    /// <summary>Builds an operator that aggregates each window incrementally and maps the result, with the key and
    /// the window, to the output: <c>Aggregate(agg, (key, window, result) =&gt; ...)</c>.</summary>
    /// <typeparam name="TAcc">The accumulator type (needs a serializer).</typeparam>
    /// <typeparam name="TMid">The aggregate's result type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="aggregate">The aggregate function.</param>
    /// <param name="result">Maps (key, window, aggregate result) to one output record.</param>
    /// <returns>The operator.</returns>
    public IKeyedOperator<TKey, TIn, TOut> Aggregate<TAcc, TMid, TOut>(IAggregateFunction<TIn, TAcc, TMid> aggregate, Func<TKey, TimeWindow, TMid, TOut> result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Aggregate(aggregate, new WindowResultFunction<TKey, TMid, TOut>(result));
    }

    /// <summary>Builds an operator that buffers each window's records and evaluates them all at once.</summary>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="function">The process-window function.</param>
    /// <returns>The operator.</returns>
    public IKeyedOperator<TKey, TIn, TOut> Process<TOut>(ProcessWindowFunction<TKey, TIn, TOut> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        Validate();
        return Build(new BufferContents<TKey, TIn, TOut>(_evictor, new ProcessBufferFunction<TKey, TIn, TOut>(function), Registry.Get<TIn>()));
    }

    // The registry given (or a new one), backed by the job's when a job makes the operator.
    private SerializerRegistry Registry => SerializerRegistry.Resolve(_serializers);

    private void Validate() => WindowOperators.CheckMerging(_assigner, _trigger ?? _assigner.DefaultTrigger);

    private WindowOperator<TKey, TIn, TState, TOut> Build<TState, TOut>(WindowContents<TKey, TIn, TState, TOut> contents) =>
        new(_assigner, _trigger ?? _assigner.DefaultTrigger, _allowedLateness, contents, Registry.Get<TKey>(), Registry, _clock, _lateTag, _keyedLateTag);
}
