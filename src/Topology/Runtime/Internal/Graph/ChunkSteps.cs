namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. The stateless steps over a source chunk: a loop per chunk, a dead letter per record that throws.</summary>
internal static class ChunkSteps
{
    public static Chunk<T> Filter<T>(Chunk<T> chunk, Func<T, bool> predicate, string step)
    {
        if (chunk.Count == 0)
        {
            return chunk;
        }

        var items = new Element<T>[chunk.Count];
        var count = 0;
        var dead = chunk.Dead;
        for (var i = 0; i < chunk.Count; i++)
        {
            var element = chunk.Items[i];
            try
            {
                if (predicate(element.Value))
                {
                    items[count++] = element;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (dead ??= []).Add(chunk.Failed(step, element, e));
            }
        }

        return chunk.With(items, count, dead);
    }

    public static Chunk<TOut> SelectMany<T, TOut>(Chunk<T> chunk, Func<T, IEnumerable<TOut>> map, string step)
    {
        var items = new List<Element<TOut>>(chunk.Count);
        var dead = chunk.Dead;
        for (var i = 0; i < chunk.Count; i++)
        {
            var element = chunk.Items[i];
            var before = items.Count;
            try
            {
                foreach (var value in map(element.Value))
                {
                    items.Add(element.With(value));
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // All or nothing per record: what the enumeration yielded before it threw is dropped with it.
                items.RemoveRange(before, items.Count - before);
                (dead ??= []).Add(chunk.Failed(step, element, e));
            }
        }

        return chunk.With(items.ToArray(), items.Count, dead);
    }
}
