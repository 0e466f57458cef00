using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Batch mode (<see cref="ExecutionMode.Batch"/>) of a job with broadcast state: as in Flink's batch mode,
/// a function reading broadcast and keyed input sees all of the broadcast input first. The records for the first hop's
/// key groups are held until the end of the input; everything else (broadcast records, records for sinks and later
/// hops, dead letters) goes on at once, in read order. At the end the held records follow in read order, then every
/// partition's position (withheld until then, so that a checkpoint taken during the run names no position whose
/// records were not applied yet), then the end-of-input tick. The held records stay in memory until the end. Periodic
/// ticks go on at once (batch boundaries where a checkpoint asked for can start).
/// </summary>
internal sealed class BroadcastFirst(int[] portHops)
{
    private readonly List<Chunk<Keyed>> _held = [];
    private readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);

    public static Flow<Chunk<Keyed>, Chunk<Keyed>, NotUsed> Flow(int[] portHops) =>
        Akka.Streams.Dsl.Flow.Create<Chunk<Keyed>>().StatefulSelectMany<Chunk<Keyed>, Chunk<Keyed>, Chunk<Keyed>, NotUsed>(() => new BroadcastFirst(portHops).OnChunk);

    public IEnumerable<Chunk<Keyed>> OnChunk(Chunk<Keyed> chunk)
    {
        if (chunk.IsEndOfInput)
        {
            var end = new List<Chunk<Keyed>>(_held.Count + _positions.Count + 1);
            end.AddRange(_held);
            end.AddRange(_positions.Select(p => new Chunk<Keyed>(p.Key, p.Value, long.MinValue, [], 0, null)));
            end.Add(chunk);
            _held.Clear();
            _positions.Clear();
            return end;
        }

        if (chunk.IsTick)
        {
            return [chunk];
        }

        if (chunk.NextOffset >= 0)
        {
            _positions[chunk.Origin!] = chunk.NextOffset;
        }

        List<Element<Keyed>>? now = null;
        List<Element<Keyed>>? later = null;
        for (var i = 0; i < chunk.Count; i++)
        {
            var record = chunk.Items[i];
            var keyed = record.Value.KeyGroup >= 0 && portHops[record.Value.Target] <= 1;
            (keyed ? later ??= [] : now ??= []).Add(record);
        }

        if (later is not null)
        {
            _held.Add(new Chunk<Keyed>(chunk.Origin, -1, long.MinValue, [.. later], later.Count, null));
        }

        return now is null && chunk.Dead is null ? [] : [new Chunk<Keyed>(chunk.Origin, -1, long.MinValue, now is null ? [] : [.. now], now?.Count ?? 0, chunk.Dead)];
    }
}
