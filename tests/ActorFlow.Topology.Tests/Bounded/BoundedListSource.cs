using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Bounded;

/// <summary>
/// A bounded in-memory source: partition <c>mem/i</c> holds <c>partitions[i]</c> (offset = index), emitted in chunks
/// from the start offset on; each partition completes after its last record, then the partition set completes. A
/// partition listed in <see cref="Gated"/> waits for <see cref="Gate"/> before records at or after <see cref="GateAt"/>.
/// <see cref="Active"/> counts the partitions running now (from the runtime's first pull of a partition's sub-source
/// to its end), <see cref="MostActive"/> the most at once; the gate opens by itself once <see cref="OpenGateWhenActive"/>
/// partitions run at once.
/// </summary>
internal sealed class BoundedListSource<T>(IReadOnlyList<IReadOnlyList<(T Value, long Time)>> partitions, int chunk = 50) : ISourceConnector<T>
{
    public Boundedness Boundedness => Boundedness.Bounded;

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int GateAt { get; init; } = int.MaxValue;

    public HashSet<int> Gated { get; init; } = [];

    /// <summary>Whether the partitions can wait to be read (<see cref="ISourceConnector{T}.PartitionsCanWait"/>).</summary>
    public bool PartitionsCanWait { get; init; }

    public int OpenGateWhenActive { get; init; } = int.MaxValue;

    public int Active => Volatile.Read(ref _active);

    public int MostActive => Volatile.Read(ref _mostActive);

    private int _active;

    private int _mostActive;

    public static string Id(int partition) => SourcePartitionIds.Format("mem", partition);

    public Source<(string Partition, Source<IReadOnlyList<SourceRecord<T>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets)
    {
        var control = new Control();
        var subs = Enumerable.Range(0, partitions.Count).Select(p =>
        {
            var id = Id(p);
            var start = (int)startOffsets.GetValueOrDefault(id, 0);
            var records = partitions[p];
            var chunks = Enumerable.Range(start, Math.Max(0, records.Count - start))
                .Chunk(chunk)
                .Select(IReadOnlyList<SourceRecord<T>> (offsets) => [.. offsets.Select(o => new SourceRecord<T>(records[o].Value, records[o].Time, id, o))])
                .ToList();
            var before = chunks.TakeWhile(c => c[^1].Offset < GateAt).ToList();
            var after = chunks.Skip(before.Count).ToList();
            var sub = Source.From(before);
            if (Gated.Contains(p))
            {
                sub = sub.Concat(Source.FromTask(Task.WhenAny(Gate.Task, control.StoppedTask.Task)).SelectMany(_ => after));
            }
            else
            {
                sub = sub.Concat(Source.From(after));
            }

            var counted = Source.Lazily(() =>
                {
                    var now = Interlocked.Increment(ref _active);
                    for (var most = Volatile.Read(ref _mostActive); now > most; most = Volatile.Read(ref _mostActive))
                    {
                        if (Interlocked.CompareExchange(ref _mostActive, now, most) == most)
                        {
                            break;
                        }
                    }

                    if (now >= OpenGateWhenActive)
                    {
                        Gate.TrySetResult();
                    }

                    // Counted down in the sub-source, before it completes (and so before the runtime can start another).
                    return sub.Concat(Source.Lazily(() =>
                    {
                        Interlocked.Decrement(ref _active);
                        return Source.Empty<IReadOnlyList<SourceRecord<T>>>();
                    }).MapMaterializedValue(_ => NotUsed.Instance));
                })
                .MapMaterializedValue(_ => NotUsed.Instance);
            return (id, counted.TakeWhile(_ => !control.Stopped.IsCancellationRequested));
        }).ToList();
        return Source.From(subs).MapMaterializedValue(ISourceControl (_) => control);
    }

    private sealed class Control : ISourceControl
    {
        public CancellationTokenSource Stopped { get; } = new();

        public TaskCompletionSource StoppedTask { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task StopAsync()
        {
            StoppedTask.TrySetResult();
            return Stopped.CancelAsync();
        }

        public Task ShutdownAsync() => StopAsync();

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => Task.CompletedTask;
    }
}
