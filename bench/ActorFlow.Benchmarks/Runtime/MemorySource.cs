using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>
/// Diagnostic only: a job source that emits pre-built records from memory in <paramref name="partitions"/> partitions (which then stay open, as Kafka's do),
/// so a run shows what the runtime's own per-record path costs without Kafka.
/// </summary>
public sealed class MemorySource(IReadOnlyList<SourceRecord<BenchEvent>>[] partitions) : ISourceConnector<BenchEvent>
{
    /// <summary>Records per chunk, as a Kafka poll would hand them over.</summary>
    public const int ChunkSize = 1000;

    public Source<(string Partition, Source<IReadOnlyList<SourceRecord<BenchEvent>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets)
    {
        var stopped = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var tail = Source.FromTask(stopped.Task).Where(_ => false).Select(_ => (IReadOnlyList<SourceRecord<BenchEvent>>)[]);
        return Source.From(partitions.Select((records, p) => ($"memory/{p}",
                Source.From(records.Chunk(ChunkSize)).Select(IReadOnlyList<SourceRecord<BenchEvent>> (c) => c).Concat(tail))))
            .MapMaterializedValue(_ => (ISourceControl)new StopControl(stopped));
    }

    /// <summary>The same records as the input topic (key, event time), split round robin.</summary>
    public static MemorySource Like(InputTopic topic, int keys, int eventTimeStepMicros)
    {
        var lists = Enumerable.Range(0, topic.Partitions).Select(_ => new List<SourceRecord<BenchEvent>>()).ToArray();
        for (var i = 0; i < topic.Real; i++)
        {
            var key = (int)((i * 2_654_435_761L) % keys);
            lists[i % topic.Partitions].Add(new SourceRecord<BenchEvent>(new BenchEvent(key, 0), InputTopic.BaseTime + (i * (long)eventTimeStepMicros / 1000), $"memory/{i % topic.Partitions}", i / topic.Partitions));
        }

        for (var p = 0; p < topic.Partitions; p++)
        {
            lists[p].Add(new SourceRecord<BenchEvent>(new BenchEvent(BenchEvent.MarkerKey, 0), InputTopic.BaseTime + 1_000_000_000, $"memory/{p}", lists[p].Count));
        }

        return new MemorySource(lists);
    }

    private sealed class StopControl(TaskCompletionSource<bool> stopped) : ISourceControl
    {
        public Task StopAsync()
        {
            stopped.TrySetResult(true);
            return Task.CompletedTask;
        }


        public Task ShutdownAsync() => Task.CompletedTask;

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => Task.CompletedTask;
    }
}
