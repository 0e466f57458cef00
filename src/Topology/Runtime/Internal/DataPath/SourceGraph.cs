using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. The source side: partitions merged, periodic ticks added, timestamps and watermarks assigned, a chunk at a time.</summary>
internal static class SourceGraph
{
    /// <summary>Most partitions read at once by one source.</summary>
    public const int MaxPartitions = 1024;

    public static Source<Chunk<T>, ISourceControl> Build<T>(
        ISourceConnector<T> connector, WatermarkStrategy<T> strategy, TimeProvider clock, JobRunnerOptions options)
    {
        var ticks = Source.Tick(options.WatermarkInterval, options.WatermarkInterval, new Incoming<T>(null, null));
        return connector.Partitions(options.StartOffsets)
            .Via(Flow.Create<(string Partition, Source<IReadOnlyList<SourceRecord<T>>, Akka.NotUsed> Records)>()
                .MergeMany(MaxPartitions, p => Source.Single(new Incoming<T>(p.Partition, []))
                    // An empty first chunk announces the partition: it holds the combined watermark from its
                    // assignment on, not from its first record (one partition's big chunk after a restart would
                    // otherwise move event time past the records the other partitions have not delivered yet).
                    .Concat(p.Records.Select(r => new Incoming<T>(p.Partition, r))))
                .Merge(ticks.MapMaterializedValue(_ => Akka.NotUsed.Instance), eagerComplete: true))
            .StatefulSelectMany<Incoming<T>, Chunk<T>, ISourceControl>(() =>
            {
                var assigner = new WatermarkAssigner<T>(strategy, clock);
                return incoming => [assigner.OnIncoming(incoming)];
            });
    }
}
