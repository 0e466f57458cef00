using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Evictors;
using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Topology.Dsl;

/// <summary>
/// A keyed stream cut into windows, as Flink's <c>WindowedStream</c>: <c>keyed.Window(assigner)</c>, optionally a
/// trigger, an evictor, allowed lateness and a late-data side output, then one window function, which names the
/// operator. The same operator as <c>keyed.Process(name, () =&gt; WindowOperators.For&lt;TKey, T&gt;(assigner)...)</c>,
/// without repeating the types; its state types' serializers come from the job's registry
/// (<see cref="StreamJobBuilder.WithSerializers"/>).
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="T">The record type.</typeparam>
public sealed class WindowedStream<TKey, T>
    where TKey : notnull
{
    private readonly KeyedStream<TKey, T> _keyed;
    private readonly WindowAssigner _assigner;
    private readonly List<Action<WindowOperatorBuilder<TKey, T>>> _settings = [];

    // Each setting is also applied here when it is given, so that a bad one fails at its call, not at Build().
    private readonly WindowOperatorBuilder<TKey, T> _check;

    internal WindowedStream(KeyedStream<TKey, T> keyed, WindowAssigner assigner)
    {
        _keyed = keyed;
        _assigner = assigner ?? throw new ArgumentNullException(nameof(assigner));
        _check = WindowOperators.For<TKey, T>(assigner);
    }

    /// <summary>Fires the windows by <paramref name="trigger"/> instead of the assigner's default trigger.</summary>
    /// <param name="trigger">The trigger.</param>
    /// <returns>This windowed stream.</returns>
    /// <exception cref="ArgumentException">The assigner merges windows (sessions) and the trigger cannot merge.</exception>
    public WindowedStream<TKey, T> Trigger(Trigger trigger)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        WindowOperators.CheckMerging(_assigner, trigger); // at the call, as Flink's WindowedStream.trigger; the builder checks when it builds
        return With(b => b.WithTrigger(trigger));
    }

    /// <summary>Removes records from a window before or after its function runs (the window then buffers its records).</summary>
    /// <param name="evictor">The evictor.</param>
    /// <returns>This windowed stream.</returns>
    public WindowedStream<TKey, T> Evictor(Evictor evictor) => With(b => b.WithEvictor(evictor));

    /// <summary>Keeps each window this long after its end (event time): a late record updates and fires it again.</summary>
    /// <param name="lateness">Not negative, whole milliseconds.</param>
    /// <returns>This windowed stream.</returns>
    /// <exception cref="ArgumentException"><paramref name="lateness"/> is negative or has a sub-millisecond part.</exception>
    public WindowedStream<TKey, T> AllowedLateness(TimeSpan lateness) => With(b => b.WithAllowedLateness(lateness));

    /// <summary>Sends records too late for their windows to <paramref name="tag"/> (read it from the result's <c>SideOutput</c>).</summary>
    /// <param name="tag">The side output.</param>
    /// <returns>This windowed stream.</returns>
    public WindowedStream<TKey, T> SideOutputLateData(OutputTag<T> tag) => With(b => b.WithLateDataOutput(tag));

    /// <summary>Sends records too late for their windows with their keys to <paramref name="tag"/> (e.g. <see cref="OutputTags.LateRecords{TKey,T}"/>).</summary>
    /// <param name="tag">The side output.</param>
    /// <returns>This windowed stream.</returns>
    public WindowedStream<TKey, T> SideOutputLateData(OutputTag<LateRecord<TKey, T>> tag) => With(b => b.WithLateDataOutput(tag));

    /// <summary>Reduces each window's records to one, the window's result (at its max timestamp).</summary>
    /// <param name="name">The operator's name, unique in the job.</param>
    /// <param name="reduce">Folds two records into one; shared by the job's key groups, so it keeps no state of its own.</param>
    /// <returns>The windows' results.</returns>
    public KeyedResult<TKey, T, T> Reduce(string name, Func<T, T, T> reduce)
    {
        ArgumentNullException.ThrowIfNull(reduce);
        return Operator(name, b => b.Reduce(reduce));
    }

    /// <summary>Reduces each window's records, then passes the result to a process-window function with the key and window.</summary>
    /// <param name="name">The operator's name, unique in the job.</param>
    /// <param name="reduce">Folds two records into one.</param>
    /// <param name="function">Makes the function, once per key group (so its fields are never shared between threads).</param>
    /// <returns>The windows' results.</returns>
    public KeyedResult<TKey, T, TOut> Reduce<TOut>(string name, Func<T, T, T> reduce, Func<ProcessWindowFunction<TKey, T, TOut>> function)
    {
        ArgumentNullException.ThrowIfNull(reduce);
        ArgumentNullException.ThrowIfNull(function);
        return Operator(name, b => b.Reduce(reduce, function()));
    }

    /// <summary>Aggregates each window's records incrementally (e.g. <c>Aggregates.Count&lt;T&gt;()</c>).</summary>
    /// <param name="name">The operator's name, unique in the job.</param>
    /// <param name="aggregate">The aggregate function; shared by the job's key groups (its accumulators hold the state).</param>
    /// <returns>The windows' results.</returns>
    public KeyedResult<TKey, T, TOut> Aggregate<TAcc, TOut>(string name, IAggregateFunction<T, TAcc, TOut> aggregate)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        return Operator(name, b => b.Aggregate(aggregate));
    }

    /// <summary>Aggregates each window's records, then passes the result to a process-window function with the key and window.</summary>
    /// <param name="name">The operator's name, unique in the job.</param>
    /// <param name="aggregate">The aggregate function.</param>
    /// <param name="function">Makes the function, once per key group.</param>
    /// <returns>The windows' results.</returns>
    public KeyedResult<TKey, T, TOut> Aggregate<TAcc, TMid, TOut>(string name, IAggregateFunction<T, TAcc, TMid> aggregate, Func<ProcessWindowFunction<TKey, TMid, TOut>> function)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(function);
        return Operator(name, b => b.Aggregate(aggregate, function()));
    }

    /// <summary>Aggregates each window's records and maps the result with the key and window: <c>(key, window, count) =&gt; …</c>.</summary>
    /// <param name="name">The operator's name, unique in the job.</param>
    /// <param name="aggregate">The aggregate function.</param>
    /// <param name="result">Makes a window's output from its key, window and aggregate.</param>
    /// <returns>The windows' results.</returns>
    public KeyedResult<TKey, T, TOut> Aggregate<TAcc, TMid, TOut>(string name, IAggregateFunction<T, TAcc, TMid> aggregate, Func<TKey, TimeWindow, TMid, TOut> result)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        ArgumentNullException.ThrowIfNull(result);
        return Operator(name, b => b.Aggregate(aggregate, result));
    }

    /// <summary>Buffers each window's records and hands them all to a process-window function when the window fires.</summary>
    /// <param name="name">The operator's name, unique in the job.</param>
    /// <param name="function">Makes the function, once per key group.</param>
    /// <returns>The windows' results.</returns>
    public KeyedResult<TKey, T, TOut> Process<TOut>(string name, Func<ProcessWindowFunction<TKey, T, TOut>> function)
    {
        ArgumentNullException.ThrowIfNull(function);
        return Operator(name, b => b.Process(function()));
    }

    private WindowedStream<TKey, T> With(Action<WindowOperatorBuilder<TKey, T>> setting)
    {
        setting(_check);
        _settings.Add(setting);
        return this;
    }

    // The operator each key group makes: the settings given so far (later ones do not change it), then the function.
    private KeyedResult<TKey, T, TOut> Operator<TOut>(string name, Func<WindowOperatorBuilder<TKey, T>, IKeyedOperator<TKey, T, TOut>> build)
    {
        var (assigner, settings) = (_assigner, _settings.ToArray());
        return _keyed.Process(name, () =>
        {
            var builder = WindowOperators.For<TKey, T>(assigner);
            foreach (var setting in settings)
            {
                setting(builder);
            }

            return build(builder);
        });
    }
}
