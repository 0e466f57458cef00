using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Batch execution mode (<see cref="ExecutionMode.Batch"/>): holds the whole bounded input and, at its
/// end, releases it grouped by key group, so that each key group of the first hop gets all its records at once and,
/// with them, the end-of-input watermark (<see cref="Chunk{T}.EndsKeyGroup"/>): its windows and timers fire and its
/// state is done before the next key group starts. Records that go elsewhere (sinks, later hops) and broadcast
/// records go first, in read order; then the key groups in ascending order, each in read order and split into runs
/// of one source partition (a record keeps its origin for dead letters); then every partition's position (for the
/// final checkpoint) and the dead letters; then the end-of-input tick. Periodic ticks are dropped: time moves only
/// at the end of each key group's input. The input is held in memory.
/// </summary>
internal sealed class BatchGrouping(int[] portHops)
{
    private readonly List<Segment> _direct = [];
    private readonly SortedDictionary<int, List<Segment>> _groups = [];
    private readonly Dictionary<string, long> _positions = new(StringComparer.Ordinal);
    private readonly List<Connectors.DeadLetterRecord> _dead = [];

    public static Flow<Chunk<Keyed>, Chunk<Keyed>, NotUsed> Flow(int[] portHops) =>
        Akka.Streams.Dsl.Flow.Create<Chunk<Keyed>>().StatefulSelectMany<Chunk<Keyed>, Chunk<Keyed>, Chunk<Keyed>, NotUsed>(() =>
        {
            var grouping = new BatchGrouping(portHops);
            return grouping.OnChunk;
        });

    public IEnumerable<Chunk<Keyed>> OnChunk(Chunk<Keyed> chunk)
    {
        if (chunk.IsEndOfInput)
        {
            return [.. Release(), chunk];
        }

        if (chunk.IsTick)
        {
            return [];
        }

        if (chunk.NextOffset >= 0)
        {
            _positions[chunk.Origin!] = chunk.NextOffset;
        }

        if (chunk.Dead is { } dead)
        {
            _dead.AddRange(dead);
        }

        for (var i = 0; i < chunk.Count; i++)
        {
            var record = chunk.Items[i];
            var keyGroup = record.Value.KeyGroup;
            var segments = keyGroup >= 0 && portHops[record.Value.Target] <= 1
                ? (_groups.TryGetValue(keyGroup, out var list) ? list : _groups[keyGroup] = [])
                : _direct;
            if (segments.Count == 0 || !string.Equals(segments[^1].Origin, chunk.Origin, StringComparison.Ordinal))
            {
                segments.Add(new Segment(chunk.Origin!));
            }

            segments[^1].Items.Add(record);
        }

        return [];
    }

    private IEnumerable<Chunk<Keyed>> Release()
    {
        foreach (var segment in _direct)
        {
            yield return segment.ToChunk(-1);
        }

        foreach (var (keyGroup, segments) in _groups)
        {
            for (var i = 0; i < segments.Count; i++)
            {
                yield return segments[i].ToChunk(i == segments.Count - 1 ? keyGroup : -1);
            }
        }

        var dead = _dead.Count > 0 ? _dead : null;
        foreach (var (origin, next) in _positions)
        {
            yield return new Chunk<Keyed>(origin, next, long.MinValue, [], 0, dead);
            dead = null;
        }

        _direct.Clear();
        _groups.Clear();
    }

    private sealed class Segment(string origin)
    {
        public string Origin => origin;

        public List<Element<Keyed>> Items { get; } = [];

        public Chunk<Keyed> ToChunk(int endsKeyGroup) =>
            new(origin, -1, long.MinValue, [.. Items], Items.Count, null) { EndsKeyGroup = endsKeyGroup };
    }
}
