using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using ActorFlow.Benchmarks.Runtime;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Parquet;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using global::Parquet;
using global::Parquet.Serialization;

namespace ActorFlow.Benchmarks.Parquet;

/// <summary>A landed row: 8 + 8 + 8 bytes plus a short symbol.</summary>
public sealed class LandedRow
{
    public long Id { get; set; }

    public string Symbol { get; set; } = "";

    public double Price { get; set; }

    public long Time { get; set; }
}

/// <summary>
/// The landed row's columns plus a list the files lack: not flat, so it reads through the level assembler (the
/// absent column is not read), for comparing that path with the column reader on the same files.
/// </summary>
public sealed class LandedRowAssembled
{
    public long Id { get; set; }

    public string Symbol { get; set; } = "";

    public double Price { get; set; }

    public long Time { get; set; }

    public List<int>? Tags { get; set; }
}

/// <summary>The landed row as a positional record: read column by column through its constructor.</summary>
public sealed record LandedRecord(long Id, string Symbol, double Price, long Time);

/// <summary>
/// The issue-18 Parquet benchmark (not BenchmarkDotNet), one process: (a) landing — a landing job (Kafka → ParquetSink,
/// two-phase commit, one checkpoint at the end) against Parquet.Net writing the same rows from memory with the same
/// row-group size and codec (the ceiling), rows/s from start to the last committed file; (b) scan — the landed files
/// read by ParquetSource in full and with a row-group predicate on Time (10 % of the time range).
/// Options: <c>--records N</c> (1,000,000), <c>--partitions N</c> (16), <c>--rounds N</c> (3), <c>--row-group N</c> (100,000),
/// <c>--max-batch N</c> (the job's consumer <c>max-batch</c>, records per source chunk; default reference.conf's),
/// <c>--input-batch N</c> (records per producer batch of the input topic: the embedded broker returns one batch per
/// partition per fetch), <c>--only landing|scan|job</c> (<c>job</c>: the landing job alone, to profile it). Besides Parquet.Net direct, the
/// landing comparison also times the ParquetSink's writer fed from memory (the sink's own cost) and a raw Confluent
/// consumer feeding Parquet.Net (the ceiling of anything that reads the rows from Kafka).
/// </summary>
public static class ParquetHarness
{
    private const long BaseTime = 1_700_000_000_000;

    public static async Task<int> RunAsync(string[] args)
    {
        var records = Option(args, "--records", 1_000_000);
        var partitions = Option(args, "--partitions", 16);
        var rounds = Option(args, "--rounds", 3);
        var rowGroup = Option(args, "--row-group", 100_000);
        var maxBatch = Option(args, "--max-batch", 0);
        // Records per producer batch of the input topic: the embedded broker returns at most one producer batch per
        // partition per fetch (a real broker fills a fetch up to max.partition.fetch.bytes), so larger input batches
        // show what the readers cost when fetching is cheap.
        var inputBatch = Option(args, "--input-batch", 0);
        var only = args.SkipWhile(a => a != "--only").Skip(1).FirstOrDefault();
        using var load = new LoadSampler();
        Console.WriteLine($"{records:N0} rows, {partitions} partitions, {rounds} round(s) + 1 warm-up, row groups of {rowGroup:N0}, Snappy, {Environment.ProcessorCount} cores, .NET {Environment.Version}{(maxBatch > 0 ? $", source chunks of at most {maxBatch} records" : "")}{(inputBatch > 0 ? $", input produced in batches of up to {inputBatch} records" : "")}");
        Console.WriteLine($"uptime at start: {LoadSampler.Uptime()}");
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions());
        var data = Directory.CreateTempSubdirectory("actorflow-bench-parquet-");
        var system = await ActorFlowCluster.StartNodeAsync("bench-parquet", StateStoreSettings.Sqlite(Path.Combine(data.FullName, "state")));
        try
        {
            var producerConfig = inputBatch > 0
                ? Akka.Configuration.ConfigurationFactory.ParseString(
                    $"actorflow.kafka.producer.kafka-clients {{ linger.ms = 500, batch.num.messages = {inputBatch}, batch.size = {inputBatch * 128L} }}").WithFallback(KafkaDefaults.Config)
                : KafkaDefaults.Config;
            var producer = ProducerSettings<byte[], byte[]>.Create(producerConfig, null, null).WithBootstrapServers(kafka.BootstrapServers);
            var consumerConfig = maxBatch > 0
                ? Akka.Configuration.ConfigurationFactory.ParseString($"actorflow.kafka.consumer.max-batch = {maxBatch}").WithFallback(KafkaDefaults.Config)
                : KafkaDefaults.Config;
            var consumer = ConsumerSettings<byte[], byte[]>.Create(consumerConfig, null, null).WithBootstrapServers(kafka.BootstrapServers);
            kafka.CreateTopic("rows", partitions);
            using (var p = KafkaProducer.CreateProducer(producer))
            {
                for (var i = 0; i < records; i++)
                {
                    try
                    {
                        p.Produce(new TopicPartition("rows", i % partitions), new Message<byte[], byte[]> { Value = Encode(i) });
                    }
                    catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                    {
                        p.Poll(TimeSpan.FromMilliseconds(100)); // a loaded machine: let the broker catch up, then again
                        i--;
                    }
                }

                p.Flush(TimeSpan.FromMinutes(2));
            }

            var rows = Enumerable.Range(0, records).Select(i => Decode(Encode(i))).ToList();
            var lake = "";
            for (var round = -1; round < rounds && only is "job"; round++)
            {
                // The landing job alone (to profile it).
                lake = Path.Combine(data.FullName, $"lake-{round + 1}");
                var landed = await LandAsync(system, consumer, partitions, records, lake, rowGroup, round + 1);
                var label = round < 0 ? "warm-up" : $"round {round + 1}";
                Console.WriteLine($"  {label}: landing job {records / landed.TotalSeconds,12:N0} rows/s ({landed.TotalSeconds:N2} s)");
            }

            for (var round = -1; round < rounds && only is null or "landing"; round++)
            {
                var (direct, directBytes, _) = await MeasuredAsync(() => DirectAsync(rows, Path.Combine(data.FullName, $"direct-{round + 1}"), rowGroup), records);
                var (writer, writerBytes, _) = await MeasuredAsync(() => SinkWriterAsync(rows, Path.Combine(data.FullName, $"writer-{round + 1}"), rowGroup), records);
                var (raw, rawBytes, rawPause) = await MeasuredAsync(() => RawConsumerAsync(consumer, partitions, records, Path.Combine(data.FullName, $"raw-{round + 1}"), rowGroup), records);
                lake = Path.Combine(data.FullName, $"lake-{round + 1}");
                var (landed, landedBytes, landedPause) = await MeasuredAsync(() => LandAsync(system, consumer, partitions, records, lake, rowGroup, round + 1), records);
                var label = round < 0 ? "warm-up" : $"round {round + 1}";
                Console.WriteLine($"  {label}: parquet.net direct {records / direct.TotalSeconds,12:N0} rows/s ({direct.TotalSeconds:N2} s, {directBytes:N0} B/row); ParquetSink writer from memory {records / writer.TotalSeconds,12:N0} rows/s ({writerBytes:N0} B/row) = {direct / writer:P1} of direct; " +
                    $"raw consumer → parquet.net {records / raw.TotalSeconds,12:N0} rows/s ({raw.TotalSeconds:N2} s, {rawBytes:N0} B/row, GC paused {rawPause / raw:P0}); " +
                    $"landing job {records / landed.TotalSeconds,12:N0} rows/s ({landed.TotalSeconds:N2} s, {landedBytes:N0} B/row, GC paused {landedPause / landed:P0}) = {direct / landed:P1} of direct, {raw / landed:P1} of raw → parquet.net");
            }

            if (only is null or "scan")
            {
                if (lake.Length == 0)
                {
                    lake = Path.Combine(data.FullName, "lake-scan");
                    await LandAsync(system, consumer, partitions, records, lake, rowGroup, 0);
                }

                var lo = BaseTime + (records * 45L / 100);
                var hi = BaseTime + (records * 55L / 100) - 1;
                for (var round = -1; round < rounds; round++)
                {
                    var full = ParquetSource.For<LandedRow>(lake);
                    var fullTime = await ScanAsync(system, full);
                    var pushed = ParquetSource.For(lake, new ParquetSourceOptions<LandedRow> { RowGroupFilters = [new ColumnRange("Time", lo, hi)] });
                    var pushedTime = await ScanAsync(system, pushed);
                    // The same files read as Avro records (ForAvro: the columns' levels assembled into GenericRecords).
                    var avro = ParquetSource.ForAvro(lake, LandedRowSchema);
                    var avroTime = await ScanAsync(system, avro);
                    var assembled = ParquetSource.For<LandedRowAssembled>(lake);
                    var assembledTime = await ScanAsync(system, assembled);
                    var positional = ParquetSource.For<LandedRecord>(lake);
                    var positionalTime = await ScanAsync(system, positional);
                    var label = round < 0 ? "warm-up" : $"round {round + 1}";
                    Console.WriteLine($"  {label}: full scan {full.Metrics.RowsRead:N0} rows in {fullTime.TotalSeconds:N2} s ({full.Metrics.RowsRead / fullTime.TotalSeconds:N0} rows/s, {full.Metrics.RowGroupsRead} row groups); " +
                        $"pushdown (10 % of time) {pushed.Metrics.RowsRead:N0} rows in {pushedTime.TotalSeconds:N2} s ({pushed.Metrics.RowGroupsRead} read, {pushed.Metrics.RowGroupsSkipped} skipped) = {fullTime / pushedTime:N1}x faster; " +
                        $"full scan as Avro records {avro.Metrics.RowsRead:N0} rows in {avroTime.TotalSeconds:N2} s ({avro.Metrics.RowsRead / avroTime.TotalSeconds:N0} rows/s) = {fullTime / avroTime:P0} of the class scan's rate; " +
                        $"through the level assembler {assembled.Metrics.RowsRead:N0} rows in {assembledTime.TotalSeconds:N2} s ({assembled.Metrics.RowsRead / assembledTime.TotalSeconds:N0} rows/s) = {fullTime / assembledTime:P0}; " +
                        $"as a positional record {positional.Metrics.RowsRead:N0} rows in {positionalTime.TotalSeconds:N2} s ({positional.Metrics.RowsRead / positionalTime.TotalSeconds:N0} rows/s) = {fullTime / positionalTime:P0}");
                }
            }

            Console.WriteLine($"load average during the run: mean {load.Mean:N1}, max {load.Max:N1}; uptime at end: {LoadSampler.Uptime()}");
            return 0;
        }
        finally
        {
            await system.Terminate();
            data.Delete(recursive: true);
        }
    }

    private static byte[] Encode(int i)
    {
        var b = new byte[28];
        BinaryPrimitives.WriteInt64LittleEndian(b, i);
        BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(8), i * 0.01);
        BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(16), BaseTime + i);
        BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(24), i % 50);
        return b;
    }

    private static readonly string[] Symbols = [.. Enumerable.Range(0, 50).Select(s => "SYM" + s.ToString(CultureInfo.InvariantCulture))];

    private static LandedRow Decode(byte[] b) => new()
    {
        Id = BinaryPrimitives.ReadInt64LittleEndian(b),
        Price = BinaryPrimitives.ReadDoubleLittleEndian(b.AsSpan(8)),
        Time = BinaryPrimitives.ReadInt64LittleEndian(b.AsSpan(16)),
        Symbol = Symbols[BinaryPrimitives.ReadInt32LittleEndian(b.AsSpan(24))],
    };

    /// <summary>Parquet.Net alone: the rows from memory into one file, row group by row group, fsynced.</summary>
    private static async Task<TimeSpan> DirectAsync(List<LandedRow> rows, string directory, int rowGroup)
    {
        Directory.CreateDirectory(directory);
        var clock = Stopwatch.StartNew();
        await using (var file = new FileStream(Path.Combine(directory, "direct.parquet"), FileMode.CreateNew, FileAccess.ReadWrite))
        {
            var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, RowGroupSize = rowGroup };
            await ParquetSerializer.SerializeAsync(rows, file, options);
            file.Flush(flushToDisk: true);
        }

        return clock.Elapsed;
    }

    /// <summary>Times <paramref name="run"/> with the bytes it allocated per row and the GC pauses it saw (process-wide).</summary>
    private static async Task<(TimeSpan Elapsed, double BytesPerRow, TimeSpan GcPause)> MeasuredAsync(Func<Task<TimeSpan>> run, int records)
    {
        var allocated = GC.GetTotalAllocatedBytes();
        var paused = GC.GetTotalPauseDuration();
        var elapsed = await run();
        return (elapsed, (GC.GetTotalAllocatedBytes() - allocated) / (double)records, GC.GetTotalPauseDuration() - paused);
    }

    /// <summary>
    /// The sink's own cost: the same rows from memory through a <see cref="ParquetSink{T}"/> writer (batches of 1,000 rows,
    /// as the job hands them over), pre-committed (fsync) and committed (rename), the same row-group size and codec.
    /// </summary>
    private static async Task<TimeSpan> SinkWriterAsync(List<LandedRow> rows, string directory, int rowGroup)
    {
        var sink = ParquetSink.For(directory, new ParquetSinkOptions<LandedRow> { RowGroupSize = rowGroup });
        var clock = Stopwatch.StartNew();
        await sink.RecoverAsync([], CancellationToken.None);
        await using (var writer = sink.CreateWriter())
        {
            for (var i = 0; i < rows.Count; i += 1000)
            {
                await writer.WriteAsync(rows.GetRange(i, Math.Min(1000, rows.Count - i)), CancellationToken.None);
            }

            await sink.CommitAsync(await writer.PrepareCommitAsync(1, CancellationToken.None), CancellationToken.None);
        }

        return clock.Elapsed;
    }

    /// <summary>A raw Confluent consumer (the same settings) decoding the rows and Parquet.Net appending a row group per <paramref name="rowGroup"/> rows.</summary>
    private static async Task<TimeSpan> RawConsumerAsync(ConsumerSettings<byte[], byte[]> settings, int partitions, int records, string directory, int rowGroup)
    {
        Directory.CreateDirectory(directory);
        var clock = Stopwatch.StartNew();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(ActorFlow.Benchmarks.Kafka.RawClients.ConsumerConfig(settings.WithGroupId("raw"))).Build();
        consumer.Assign([.. Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset("rows", p, Offset.Beginning))]);
        await using var file = new FileStream(Path.Combine(directory, "raw.parquet"), FileMode.CreateNew, FileAccess.ReadWrite);
        var options = new ParquetOptions { CompressionMethod = CompressionMethod.Snappy, RowGroupSize = int.MaxValue };
        var buffer = new List<LandedRow>(rowGroup);
        var groups = 0;
        for (var count = 0; count < records;)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } r)
            {
                buffer.Add(Decode(r.Message.Value));
                count++;
            }

            if (buffer.Count == rowGroup || (count == records && buffer.Count > 0))
            {
                options.Append = groups++ > 0;
                await ParquetSerializer.SerializeAsync(buffer, file, options);
                buffer = new List<LandedRow>(rowGroup);
            }
        }

        file.Flush(flushToDisk: true);
        consumer.Close();
        return clock.Elapsed;
    }

    /// <summary>The landing job from start until every row is in a committed file.</summary>
    private static async Task<TimeSpan> LandAsync(Akka.Actor.ActorSystem system, ConsumerSettings<byte[], byte[]> consumer, int partitions, int records, string lake, int rowGroup, int round)
    {
        var sink = new CountingSink(ParquetSink.For(lake, new ParquetSinkOptions<LandedRow> { RowGroupSize = rowGroup }));
        var job = StreamJobBuilder.Create("landing-" + round.ToString(CultureInfo.InvariantCulture))
            .FromSource("rows", KafkaConnectors.Source(consumer.WithGroupId("landing-" + round.ToString(CultureInfo.InvariantCulture)),
                Subscriptions.AssignmentWithOffset([.. Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset("rows", p, Offset.Beginning))]), r => Decode(r.Message.Value)),
                WatermarkStrategy<LandedRow>.NoWatermarks())
            .To(sink)
            .Build();
        var clock = Stopwatch.StartNew();
        var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = null });
        await sink.AllWritten(records).WaitAsync(TimeSpan.FromMinutes(5));
        await running.CheckpointAsync();
        while (Directory.EnumerateFiles(lake, "*.inprogress", SearchOption.AllDirectories).Any())
        {
            await Task.Delay(5);
        }

        var elapsed = clock.Elapsed;
        await running.StopAsync(TimeSpan.FromSeconds(30));
        return elapsed;
    }

    private static async Task<TimeSpan> ScanAsync<T>(Akka.Actor.ActorSystem system, ParquetSource<T> source)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        await source.Partitions(new Dictionary<string, long>())
            .MapMaterializedValue(_ => NotUsed.Instance)
            .MergeMany(4, p => p.Records)
            .RunWith(Akka.Streams.Dsl.Sink.Ignore<IReadOnlyList<SourceRecord<T>>>(), system.Materializer());
        return clock.Elapsed;
    }

    /// <summary><see cref="LandedRow"/> as an Avro reader schema.</summary>
    private static readonly global::Avro.RecordSchema LandedRowSchema = (global::Avro.RecordSchema)global::Avro.Schema.Parse(
        """{"type":"record","name":"LandedRow","fields":[{"name":"Id","type":"long"},{"name":"Symbol","type":"string"},{"name":"Price","type":"double"},{"name":"Time","type":"long"}]}""");

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>The Parquet sink with a count of the rows its writers took (to know when the input is all written).</summary>
    private sealed class CountingSink(ParquetSink<LandedRow> inner) : ITwoPhaseCommitSink<LandedRow>
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _written;
        private long _target = long.MaxValue;

        public Task AllWritten(long target)
        {
            Interlocked.Exchange(ref _target, target);
            if (Interlocked.Read(ref _written) >= target)
            {
                _all.TrySetResult();
            }

            return _all.Task;
        }

        public ITwoPhaseCommitWriter<LandedRow> CreateWriter() => new Writer(inner.CreateWriter(), this);

        public Task CommitAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken) => inner.CommitAsync(committables, cancellationToken);

        public Task RecoverAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken) => inner.RecoverAsync(committables, cancellationToken);

        public Akka.Streams.Dsl.Sink<LandedRow, Task<Done>> Sink() => inner.Sink();

        private sealed class Writer(ITwoPhaseCommitWriter<LandedRow> writer, CountingSink owner) : ITwoPhaseCommitWriter<LandedRow>
        {
            public async ValueTask WriteAsync(IReadOnlyList<LandedRow> records, CancellationToken cancellationToken)
            {
                await writer.WriteAsync(records, cancellationToken);
                if (Interlocked.Add(ref owner._written, records.Count) >= Interlocked.Read(ref owner._target))
                {
                    owner._all.TrySetResult();
                }
            }

            public ValueTask<IReadOnlyList<string>> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken) => writer.PrepareCommitAsync(checkpointId, cancellationToken);

            public ValueTask DisposeAsync() => writer.DisposeAsync();
        }
    }
}
