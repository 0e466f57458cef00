using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Parquet.Tests.Sink;
using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>Issue 18: a job over the Parquet file source is a bounded run: it ends by itself with every window fired.</summary>
public sealed class BoundedFileJobSpec : IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-bounded");
    private readonly TempDirectory _state = new("actorflow-parquet-bounded-state");

    /// <summary>
    /// Verify that an hourly count per symbol over landed files ends by itself and equals the count over the input, in
    /// streaming mode (every row group read at once) and in batch mode reading one row group at a time.
    /// </summary>
    [Theory]
    [InlineData(ExecutionMode.Streaming)]
    [InlineData(ExecutionMode.Batch)]
    public async Task A_job_over_the_file_source_must_end_by_itself_with_every_window_fired(ExecutionMode mode)
    {
        var trades = Enumerable.Range(0, 1_440).Select(LandingJob.TradeOf).ToList();
        await SinkFiles.LandAsync(ParquetSink.For(_lake.Path, new ParquetSinkOptions<Trade> { RowGroupSize = 100 }), trades);
        var counts = new List<string>();
        var system = await ActorFlowCluster.StartNodeAsync("parquet-bounded", StateStoreSettings.Sqlite(_state.Path));
        try
        {
            var source = ParquetSource.For(_lake.Path, new ParquetSourceOptions<TradeRow> { Timestamp = t => t.Time });
            // Its row groups can wait: batch mode reads them BatchSourceParallelism at a time.
            Assert.True(((ISourceConnector<TradeRow>)source).PartitionsCanWait);
            var job = StreamJobBuilder.Create("parquet-bounded")
                .FromSource("trades", source,
                    WatermarkStrategy<TradeRow>.ForBoundedOutOfOrderness(TimeSpan.FromMinutes(1)))
                .KeyBy(t => t.Symbol ?? string.Empty)
                .Process("hourly", () => WindowOperators.For<string, TradeRow>(TumblingEventTimeWindows.Of(TimeSpan.FromHours(1)))
                    .Aggregate(Aggregates.Count<TradeRow>(), (symbol, window, count) => $"{symbol} {window.Start} {count}"))
                .To(new ListSink(counts))
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { ExecutionMode = mode, BatchSourceParallelism = 1 });

            var summary = await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.True(summary.EndOfInput);
            Assert.Equal(1_440, summary.RecordsRead);
            var expected = trades.GroupBy(t => (t.Symbol, Start: t.Time - (t.Time % 3_600_000))).Select(g => $"{g.Key.Symbol} {g.Key.Start} {g.Count()}");
            lock (counts)
            {
                Assert.Equal(expected.Order(StringComparer.Ordinal), counts.Order(StringComparer.Ordinal));
            }
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
        _lake.Dispose();
        _state.Dispose();
    }

    private sealed class ListSink(List<string> list) : ISinkConnector<string>
    {
        public Sink<string, Task<Done>> Sink() => Akka.Streams.Dsl.Sink.ForEach<string>(s =>
        {
            lock (list)
            {
                list.Add(s);
            }
        });
    }
}
