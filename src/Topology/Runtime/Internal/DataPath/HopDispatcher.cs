using ActorFlow.Persistence.Checkpoints;
using Akka.Actor;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The dispatcher of a later hop of a job graph (hop 2 and on): it reads the output of the hop before
/// (records routed to this hop's stages, records for sinks and later hops, dead letters, watermark markers and
/// barriers, in order), sends the records of its stages to their key groups (entities
/// from the hop's first entity id on) one batch per key group, and passes everything else on in place. A
/// record is judged against the watermark in force when it reached the hop (the last marker before it); time moves
/// for every known key group on a tick. At a barrier it sends what came before, then the barrier to every key group of
/// the hop, whose acknowledgements join the checkpoint (<see cref="CheckpointCoordinator.Join"/>), and passes it on
/// behind their replies.
/// </summary>
internal sealed class HopDispatcher
{
    private readonly IActorRef _region;
    private readonly string _jobName;
    private readonly string _sourceId;
    private readonly JobRunnerOptions _options;
    private readonly int _hop;
    private readonly int _firstEntity;
    private readonly int _keyGroups;
    private readonly int[] _portHops;
    private readonly CheckpointCoordinator _checkpoints;
    private readonly Dictionary<int, long> _sequences;
    private readonly Dictionary<int, long> _baseSnapshots;
    private KeyGroupReplies? _replies;
    private long _watermark;

    public HopDispatcher(IActorRef region, string jobName, string sourceId, JobRunnerOptions options, CheckpointRecord? restoredFrom,
        int hop, int firstEntity, int keyGroups, int[] portHops, CheckpointCoordinator checkpoints)
    {
        _region = region;
        _jobName = jobName;
        _sourceId = sourceId;
        _options = options;
        _hop = hop;
        _firstEntity = firstEntity;
        _keyGroups = keyGroups;
        _portHops = portHops;
        _checkpoints = checkpoints;
        var mine = restoredFrom?.KeyGroups.Where(kg => kg.KeyGroup >= firstEntity && kg.KeyGroup < firstEntity + keyGroups).ToList() ?? [];
        _sequences = mine.ToDictionary(kg => kg.KeyGroup, _ => 0L);
        _baseSnapshots = mine.ToDictionary(kg => kg.KeyGroup, kg => restoredFrom!.RestorePointFor(kg.KeyGroup)?.SequenceNr ?? -1);
        // The restored checkpoint's barrier followed the watermark marker of its batch: every stage was there.
        _watermark = Operators.Watermark.Restored(restoredFrom?.Watermark ?? long.MinValue);
    }

    /// <summary>The entities this run has sent to or restored (stream thread only; read it once the stream has stopped).</summary>
    public IReadOnlyCollection<int> KeyGroups => _sequences.Keys;

    public Task<List<Emitted>> DispatchAsync(IReadOnlyList<IReadOnlyList<Emitted>> batch)
    {
        var segments = new List<Task<List<Emitted>>>();
        var passed = new List<Emitted>();
        var byGroup = new SortedDictionary<int, List<Routed>>();
        var tick = false;
        foreach (var part in batch)
        {
            for (var i = 0; i < part.Count; i++)
            {
                var e = part[i];
                switch (e.Kind)
                {
                    case EmittedKind.Forward when _portHops[e.Output] == _hop:
                        var record = (Routed)e.Value! with { Watermark = _watermark };
                        if (record.KeyGroup == Routed.EveryKeyGroup)
                        {
                            for (var group = 0; group < _keyGroups; group++)
                            {
                                Add(byGroup, _firstEntity + group, record with { KeyGroup = group });
                            }
                        }
                        else
                        {
                            Add(byGroup, _firstEntity + record.KeyGroup, record);
                        }

                        break;
                    case EmittedKind.Watermark:
                        // A watermark that rises reaches every key group of the hop that has seen data (as a tick's),
                        // before its marker goes on to the next hop (see BatchDispatcher).
                        tick |= e.Tag == Emitted.TickTag || e.Timestamp > _watermark;
                        _watermark = Math.Max(_watermark, e.Timestamp);
                        break;
                    case EmittedKind.Barrier:
                        segments.Add(Flush(passed, byGroup, tick, (long)e.Value!));
                        passed = [];
                        byGroup = [];
                        tick = false;
                        break;
                    default:
                        passed.Add(e);
                        break;
                }
            }
        }

        segments.Add(Flush(passed, byGroup, tick, 0));
        return segments.Count == 1 ? segments[0] : ConcatAsync(segments);
    }

    private static void Add(SortedDictionary<int, List<Routed>> byGroup, int entity, in Routed record)
    {
        if (!byGroup.TryGetValue(entity, out var list))
        {
            byGroup[entity] = list = [];
        }

        list.Add(record);
    }

    private Task<List<Emitted>> Flush(List<Emitted> passed, SortedDictionary<int, List<Routed>> byGroup, bool tick, long barrier)
    {
        if (tick)
        {
            foreach (var group in _sequences.Keys)
            {
                if (!byGroup.ContainsKey(group))
                {
                    byGroup[group] = [];
                }
            }
        }

        var batches = new KeyGroupBatch[byGroup.Count];
        var i = 0;
        foreach (var (group, records) in byGroup)
        {
            var sequence = _sequences[group] = _sequences.GetValueOrDefault(group) + 1;
            batches[i++] = new KeyGroupBatch(_jobName, group, _sourceId, sequence, records, _watermark, _baseSnapshots.GetValueOrDefault(group, -1));
        }

        var asks = (_replies ??= new KeyGroupReplies(_region, _jobName, _options)).SendAsync(batches);

        if (barrier > 0)
        {
            // Behind this segment's batches: every key group of the hop snapshots the effect of the records before it.
            _checkpoints.Join(barrier, [.. _sequences.Keys.Select(kg => _replies.TriggerAsync(new TriggerCheckpoint(_jobName, kg, barrier)))]);
        }

        return CollectAsync(passed, asks, new Emitted(EmittedKind.Watermark, tick ? Emitted.TickTag : null, null, _watermark), barrier);
    }

    private static async Task<List<Emitted>> CollectAsync(List<Emitted> passed, Task<KeyGroupReply[]> asks, Emitted watermark, long barrier)
    {
        var replies = await asks.ConfigureAwait(false);
        foreach (var reply in replies)
        {
            passed.AddRange(reply.Emitted);
        }

        passed.Add(watermark);
        if (barrier > 0)
        {
            passed.Add(new Emitted(EmittedKind.Barrier, null, barrier, 0));
        }

        return passed;
    }

    /// <summary>The run ended: the reply address goes (no more resends).</summary>
    public void Close() => _replies?.Close();

    private static async Task<List<Emitted>> ConcatAsync(List<Task<List<Emitted>>> segments)
    {
        var parts = await Task.WhenAll(segments).ConfigureAwait(false);
        var all = new List<Emitted>(parts.Sum(p => p.Count));
        foreach (var part in parts)
        {
            all.AddRange(part);
        }

        return all;
    }
}
