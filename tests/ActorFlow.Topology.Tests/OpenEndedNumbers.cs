using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests;

/// <summary>
/// An in-memory unbounded source: partition <c>numbers/0</c> delivers the numbers 1..<paramref name="count"/> (each its
/// own timestamp and offset − 1), <paramref name="silent"/> more partitions deliver nothing, then nothing more until the
/// source is stopped.
/// </summary>
internal sealed class OpenEndedNumbers(int count, int silent = 0) : ISourceConnector<long>
{
    public Source<(string Partition, Source<IReadOnlyList<SourceRecord<long>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets)
    {
        var control = new StoppableControl();
        var records = Source.Single<IReadOnlyList<SourceRecord<long>>>([.. Enumerable.Range(1, count).Select(i => new SourceRecord<long>(i, i, "numbers/0", i - 1))])
            .Concat(control.UntilStopped<IReadOnlyList<SourceRecord<long>>>());
        var partitions = new List<(string, Source<IReadOnlyList<SourceRecord<long>>, NotUsed>)> { ("numbers/0", records) };
        partitions.AddRange(Enumerable.Range(1, silent).Select(p => ($"numbers/{p}", control.UntilStopped<IReadOnlyList<SourceRecord<long>>>())));
        return Source.From(partitions)
            .Concat(control.UntilStopped<(string, Source<IReadOnlyList<SourceRecord<long>>, NotUsed>)>())
            .MapMaterializedValue(ISourceControl (_) => control);
    }
}
