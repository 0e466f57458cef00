using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Parquet;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Docs.Tests.ParquetDocs;

/// <summary>An order as docs/parquet.md lands and reads it.</summary>
public sealed class Order
{
    /// <summary>The order id.</summary>
    public long Id { get; set; }

    /// <summary>The customer's country.</summary>
    public string Country { get; set; } = "";

    /// <summary>The amount.</summary>
    public double Amount { get; set; }

    /// <summary>Event time, epoch ms.</summary>
    public long Time { get; set; }
}

/// <summary>
/// docs/parquet.md's examples: compiled, not run (they need a Kafka); tests/ActorFlow.Parquet.Tests runs the same calls
/// (ExactlyOnceLandingSpec, PushdownSpec).
/// </summary>
public static class ParquetSnippets
{
    /// <summary>The landing job of the docs.</summary>
    /// <param name="system">The node.</param>
    /// <param name="consumer">Consumer settings.</param>
    /// <param name="decode">Decodes an order.</param>
    /// <returns>The running job.</returns>
    public static async Task<RunningJob> LandAsync(ActorSystem system, ConsumerSettings<byte[], byte[]> consumer, Func<ConsumeResult<byte[], byte[]>, Order> decode)
    {
        // begin-snippet: parquet-landing
        var sink = ParquetSink.For("/data/lake/orders", new ParquetSinkOptions<Order>
        {
            PartitionBy = ParquetPartitioning.ByEventTime<Order>(o => o.Time), // dt=2026-11-25/hour=13
            RowGroupSize = 100_000,                  // rows per row group (each with min/max statistics)
            RollBytes = 128L * 1024 * 1024,          // a file also rolls at this size, and at every checkpoint
            Compression = ParquetCompression.Snappy, // or Zstd, Gzip, None
        });
        var job = StreamJobBuilder.Create("land-orders")
            .FromSource("orders", KafkaConnectors.Source(consumer, Subscriptions.Assignment(new TopicPartition("orders", 0)), decode),
                WatermarkStrategy<Order>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(5)).WithTimestampAssigner((o, _) => o.Time))
            .To(sink)
            .Build();
        var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = TimeSpan.FromSeconds(10) });
        // end-snippet
        return running;
    }

    /// <summary>The file source of the docs.</summary>
    /// <returns>The source.</returns>
    public static ParquetSource<Order> Read()
    {
        // begin-snippet: parquet-source
        var from = DateTimeOffset.Parse("2026-11-25T13:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        var source = ParquetSource.For("/data/lake/orders", new ParquetSourceOptions<Order>
        {
            PartitionFilter = p => p["dt"] == "2026-11-25",                  // other days' files are never opened
            RowGroupFilters = [new ColumnRange("Time", from, from + 3_599_999)], // row groups outside by min/max are skipped
            Timestamp = o => o.Time,
            OnBadFileAction = BadFileAction.Skip,                             // default Fail; skipped files are reported
            OnBadFile = (path, error) => Console.Error.WriteLine($"skipped {path}: {error.Message}"),
        });
        // Order's properties are the projection: only its columns are read. source.Metrics counts what was read and skipped.
        // end-snippet
        return source;
    }
}
