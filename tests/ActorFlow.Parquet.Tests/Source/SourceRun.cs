using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>A trade read back, projected to the columns a reader wants.</summary>
public sealed class TradeRow
{
    public long Id { get; set; }

    public string? Symbol { get; set; }

    public long Time { get; set; }
}

/// <summary>Runs a source connector to its end and collects every record (its partitions merged).</summary>
internal static class SourceRun
{
    /// <remarks>
    /// A source whose task fails can fail the stream with that task's <see cref="AggregateException"/> instead of the
    /// exception inside it (seen once in CI, for the same file and error that usually arrive unwrapped); the one
    /// exception inside is what the source threw, so it is rethrown.
    /// </remarks>
    public static async Task<List<SourceRecord<T>>> AllAsync<T>(ActorSystem system, ISourceConnector<T> source, IReadOnlyDictionary<string, long>? start = null)
    {
        try
        {
            var chunks = await source.Partitions(start ?? new Dictionary<string, long>())
                .MapMaterializedValue(_ => NotUsed.Instance)
                .MergeMany(8, p => p.Records)
                .RunWith(Akka.Streams.Dsl.Sink.Seq<IReadOnlyList<SourceRecord<T>>>(), system.Materializer())
                .WaitAsync(TimeSpan.FromSeconds(60));
            return [.. chunks.SelectMany(c => c)];
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerExceptions[0]);
            throw;
        }
    }
}
