using ActorFlow.Persistence.Partitioning;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. A consumer of a stream's records, attached while the job is defined: a key-by into a keyed stage's
/// input, a sink, or a stateless step in front of one. A stream read from a source feeds it a chunk at a time
/// (<see cref="OnChunk"/>, on the source side of the first hop); a stream that leaves a keyed stage feeds it one record
/// at a time (<see cref="OnRecord"/>, on the runner node after that stage's hop). A step that throws turns its record
/// into a dead letter naming the step, and the other records go on.
/// </summary>
internal abstract class Terminal<T>
{
    /// <summary>Routes the records of a source chunk; the chunk's position, watermark and dead letters stay.</summary>
    public abstract Chunk<Keyed> OnChunk(Chunk<T> chunk);

    /// <summary>
    /// This consumer as a route of single records, when it routes each record alone and is its source's only consumer
    /// (applied as the source stamps its records: no chunk of the bare records is made); null when it needs the chunk.
    /// </summary>
    public virtual IRecordRoute<T, Keyed>? Fused => null;

    /// <summary>
    /// A route for one run of a batch job, when this consumer is fused and its stage can take records pre-aggregated
    /// (<see cref="ActorFlow.Operators.Internal.IPreAggregating{TKey, TIn, TOut}"/>): it folds each chunk's records of one key
    /// and window into one. Null otherwise.
    /// </summary>
    public virtual IRecordRoute<T, Keyed>? PreAggregating() => null;

    /// <summary>Routes one record a keyed stage emitted, appending what it becomes to <paramref name="output"/>.</summary>
    public abstract void OnRecord(T value, long timestamp, List<Emitted> output);

    /// <summary>A dead letter for a record a step failed on after a keyed stage (it has no source position).</summary>
    protected static Emitted Failed(string step, Exception error, long timestamp) =>
        new(EmittedKind.Dead, null, new DeadLetterRecord($"{error.GetType().Name}: {error.Message}", "", -1, null, null, step), timestamp);
}

/// <summary>
/// INTERNAL API. The records go to sink <paramref name="sink"/>. A sink that can refuse records (<paramref name="check"/>)
/// is asked about each one first: a refused record becomes a dead letter naming the sink, with its position and bytes
/// when it comes from a source chunk, and the others go on.
/// </summary>
internal sealed class SinkTerminal<T>(int sink, IRefusingSink<T>? check = null) : Terminal<T>, IRecordRoute<T, Keyed>
{
    public override IRecordRoute<T, Keyed>? Fused => check is null ? this : null;

    public string Step => check?.Name ?? "";

    public bool TryRoute(T value, long timestamp, out Keyed routed)
    {
        routed = new(-1, NoKey.Instance, value, sink);
        return true;
    }

    public void BeginChunk()
    {
    }

    public override Chunk<Keyed> OnChunk(Chunk<T> chunk)
    {
        var items = chunk.Count == 0 ? [] : new Element<Keyed>[chunk.Count];
        if (check is null)
        {
            // Nothing here can throw: a plain loop, without Select's delegate and dead-letter guard per record.
            var source = chunk.Items;
            for (var i = 0; i < chunk.Count; i++)
            {
                ref readonly var element = ref source[i];
                items[i] = element.With(new Keyed(-1, NoKey.Instance, element.Value, sink));
            }

            return chunk.With(items, chunk.Count, chunk.Dead);
        }

        var count = 0;
        var dead = chunk.Dead;
        for (var i = 0; i < chunk.Count; i++)
        {
            var element = chunk.Items[i];
            if (Refused(check, element.Value) is { } reason)
            {
                (dead ??= []).Add(new DeadLetterRecord(reason, chunk.Origin ?? "", element.Offset, element.RawKey, element.RawValue, check.Name));
                continue;
            }

            items[count++] = element.With(new Keyed(-1, NoKey.Instance, element.Value, sink));
        }

        return chunk.With(items, count, dead);
    }

    public override void OnRecord(T value, long timestamp, List<Emitted> output)
    {
        if (check is not null && Refused(check, value) is { } reason)
        {
            output.Add(new Emitted(EmittedKind.Dead, null, new DeadLetterRecord(reason, "", -1, null, null, check.Name), timestamp));
            return;
        }

        output.Add(new Emitted(EmittedKind.Sink, null, value, timestamp, sink));
    }

    private static string? Refused(IRefusingSink<T> check, T value)
    {
        try
        {
            return check.Refuse(value) is { } reason ? $"sink '{check.Name}' refused the record: {reason}" : null;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"sink '{check.Name}' refused the record: {e.GetType().Name}: {e.Message}";
        }
    }

    private sealed class NoKey
    {
        public static readonly NoKey Instance = new();
    }
}

/// <summary>
/// INTERNAL API. Key-by into the stage input <paramref name="port"/>: each record gets its key and key group (murmur3
/// of the encoded key, modulo the job's max parallelism). A selector that throws or returns null makes a dead letter.
/// </summary>
internal sealed class KeyByTerminal<TKey, T>(Func<T, TKey> selector, IKeyCodec<TKey> codec, JobGraph graph, int port, string step) : Terminal<T>, IRecordRoute<T, Keyed>
    where TKey : notnull
{
    public override IRecordRoute<T, Keyed>? Fused => this;

    public string Step => step;

    public override Chunk<Keyed> OnChunk(Chunk<T> chunk) => chunk.Select(e => Route(e.Value), step);

    public Keyed Route(T value)
    {
        var key = KeyOf(value);
        return new Keyed(KeyGroupOf.For(codec, key, graph.MaxParallelism), key, value, port);
    }

    public bool TryRoute(T value, long timestamp, out Keyed routed)
    {
        routed = Route(value);
        return true;
    }

    public void BeginChunk()
    {
    }

    public override IRecordRoute<T, Keyed>? PreAggregating() =>
        graph.Ports[port].Stage.NewCombiner<TKey, T>() is { } combiner ? new PreAggregatingKeyBy<TKey, T>(this, combiner, graph.Ports[port].Stage.Name) : null;

    /// <summary>The record's key: a selector that returns null throws.</summary>
    public TKey KeyOf(T value) => selector(value) ?? throw new InvalidOperationException("the key selector returned null");

    /// <summary>What goes to <paramref name="key"/>'s key group in a record's place.</summary>
    public Keyed RouteAs(TKey key, object? value) => new(KeyGroupOf.For(codec, key, graph.MaxParallelism), key, value, port);

    public override void OnRecord(T value, long timestamp, List<Emitted> output)
    {
        Routed routed;
        try
        {
            var key = KeyOf(value);
            routed = new Routed(KeyGroupOf.For(codec, key, graph.MaxParallelism), key, value, timestamp, Target: port);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            output.Add(Failed(step, e, timestamp));
            return;
        }

        output.Add(new Emitted(EmittedKind.Forward, null, routed, timestamp, port));
    }
}

/// <summary>INTERNAL API. <c>Where</c>: keeps the records for which the predicate holds.</summary>
internal sealed class FilterTerminal<T>(Func<T, bool> predicate, Terminal<T> next, string step) : Terminal<T>
{
    public override IRecordRoute<T, Keyed>? Fused => next.Fused is { } inner ? new FilterRoute<T>(predicate, inner, step) : null;

    public override IRecordRoute<T, Keyed>? PreAggregating() => next.PreAggregating() is { } inner ? new FilterRoute<T>(predicate, inner, step) : null;

    public override Chunk<Keyed> OnChunk(Chunk<T> chunk) => next.OnChunk(ChunkSteps.Filter(chunk, predicate, step));

    public override void OnRecord(T value, long timestamp, List<Emitted> output)
    {
        bool keep;
        try
        {
            keep = predicate(value);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            output.Add(Failed(step, e, timestamp));
            return;
        }

        if (keep)
        {
            next.OnRecord(value, timestamp, output);
        }
    }
}

/// <summary>INTERNAL API. <c>Select</c>: maps each record.</summary>
internal sealed class SelectTerminal<T, TOut>(Func<T, TOut> map, Terminal<TOut> next, string step) : Terminal<T>
{
    public override IRecordRoute<T, Keyed>? Fused => next.Fused is { } inner ? new SelectRoute<T, TOut>(map, inner, step) : null;

    public override IRecordRoute<T, Keyed>? PreAggregating() => next.PreAggregating() is { } inner ? new SelectRoute<T, TOut>(map, inner, step) : null;

    public override Chunk<Keyed> OnChunk(Chunk<T> chunk) => next.OnChunk(chunk.Select(e => map(e.Value), step));

    public override void OnRecord(T value, long timestamp, List<Emitted> output)
    {
        TOut result;
        try
        {
            result = map(value);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            output.Add(Failed(step, e, timestamp));
            return;
        }

        next.OnRecord(result, timestamp, output);
    }
}

/// <summary>INTERNAL API. <c>SelectMany</c>: maps each record to zero or more (all or nothing per record).</summary>
internal sealed class SelectManyTerminal<T, TOut>(Func<T, IEnumerable<TOut>> map, Terminal<TOut> next, string step) : Terminal<T>
{
    public override Chunk<Keyed> OnChunk(Chunk<T> chunk) => next.OnChunk(ChunkSteps.SelectMany(chunk, map, step));

    public override void OnRecord(T value, long timestamp, List<Emitted> output)
    {
        List<TOut> results;
        try
        {
            results = [.. map(value)];
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            output.Add(Failed(step, e, timestamp));
            return;
        }

        foreach (var result in results)
        {
            next.OnRecord(result, timestamp, output);
        }
    }
}

/// <summary>
/// INTERNAL API. Into the broadcast input <paramref name="port"/> of a stage: the record goes to every key group of the
/// stage's hop (key group <see cref="Routed.EveryKeyGroup"/>; the dispatcher sends a copy to each).
/// </summary>
internal sealed class BroadcastTerminal<T>(int port) : Terminal<T>
{
    public override Chunk<Keyed> OnChunk(Chunk<T> chunk) =>
        chunk.Select(e => new Keyed(Routed.EveryKeyGroup, "", e.Value, port), "Broadcast");

    public override void OnRecord(T value, long timestamp, List<Emitted> output) =>
        output.Add(new Emitted(EmittedKind.Forward, null, new Routed(Routed.EveryKeyGroup, "", value, timestamp, Target: port), timestamp, port));
}

/// <summary>
/// INTERNAL API. A key-by fused into a batch run's source whose stage pre-aggregates: the records of a chunk with the
/// same key and window are folded into one partial accumulator by the stage's combiner, routed in the place of the
/// first of them (with its position and bytes); the others go on as nothing. The key group merges the partial into its
/// window (<see cref="OneInputStageHost{TKey, TIn, TOut}"/>). What the aggregate function throws makes the record a
/// dead letter of the stage, as in the key group.
/// </summary>
internal sealed class PreAggregatingKeyBy<TKey, T>(KeyByTerminal<TKey, T> keyBy, ActorFlow.Operators.Internal.IWindowCombiner<TKey, T> combiner, string stage) : IRecordRoute<T, Keyed>
    where TKey : notnull
{
    public string Step => keyBy.Step;

    public bool TryRoute(T value, long timestamp, out Keyed routed)
    {
        var key = keyBy.KeyOf(value);
        object? folded;
        try
        {
            folded = combiner.Combine(key, value, timestamp);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new RouteStepException(stage, $"operator '{stage}' failed on key '{key}': {e.GetType().Name}: {e.Message}", e);
        }

        if (folded is null)
        {
            routed = default;
            return false;
        }

        routed = keyBy.RouteAs(key, folded);
        return true;
    }

    public void BeginChunk() => combiner.Clear();
}

/// <summary>
/// INTERNAL API. A fused <c>Where</c> in front of a route: a record the predicate rejects goes on as nothing (read, not
/// routed), and a predicate that throws makes the record a dead letter of the step, as over a chunk (<see cref="ChunkSteps.Filter"/>).
/// </summary>
internal sealed class FilterRoute<T>(Func<T, bool> predicate, IRecordRoute<T, Keyed> next, string step) : IRecordRoute<T, Keyed>
{
    public string Step => next.Step; // what the next route throws without naming a step is the next route's

    public bool TryRoute(T value, long timestamp, out Keyed routed)
    {
        bool keep;
        try
        {
            keep = predicate(value);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw RouteStepException.Of(step, e);
        }

        if (!keep)
        {
            routed = default;
            return false;
        }

        return next.TryRoute(value, timestamp, out routed);
    }

    public void BeginChunk() => next.BeginChunk();
}

/// <summary>
/// INTERNAL API. A fused <c>Select</c> in front of a route: a map that throws makes the record a dead letter of the step,
/// as over a chunk (<see cref="Chunk{T}.Select{TOut}"/>).
/// </summary>
internal sealed class SelectRoute<T, TOut>(Func<T, TOut> map, IRecordRoute<TOut, Keyed> next, string step) : IRecordRoute<T, Keyed>
{
    public string Step => next.Step;

    public bool TryRoute(T value, long timestamp, out Keyed routed)
    {
        TOut mapped;
        try
        {
            mapped = map(value);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw RouteStepException.Of(step, e);
        }

        return next.TryRoute(mapped, timestamp, out routed);
    }

    public void BeginChunk() => next.BeginChunk();
}
