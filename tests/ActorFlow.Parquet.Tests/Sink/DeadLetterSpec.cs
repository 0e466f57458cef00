using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Avro;
using Avro.Generic;
using Confluent.Kafka;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>
/// Issue 18: a record that does not fit the file schema goes to the job's dead-letter output with the reason (the
/// path a record a step throws on takes), the other records land, and the job goes on.
/// </summary>
public sealed class DeadLetterSpec : IDisposable
{
    private const string QuoteSchema = """
        {"type":"record","name":"Quote","namespace":"test","fields":[
          {"name":"id","type":"long"},
          {"name":"symbol","type":"string"},
          {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":8,"scale":2}}
        ]}
        """;

    private static readonly RecordSchema Quote = (RecordSchema)Schema.Parse(QuoteSchema);
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["quotes"] = 1, ["dead"] = 1 } });
    private readonly TempDirectory _data = new("actorflow-parquet-dead-state");
    private readonly TempDirectory _lake = new("actorflow-parquet-dead");

    /// <summary>
    /// Verify that in a Kafka → Parquet job a record with a null in a non-nullable field and one whose decimal does
    /// not fit DECIMAL(8,2) reach the dead-letter topic, each with a reason naming the sink and the field, the sink as
    /// its stage, and its partition, offset, key and value bytes as produced; the job keeps running and the other 18
    /// records land with the checkpoints.
    /// </summary>
    [Fact]
    public async Task A_record_that_does_not_fit_must_go_to_the_jobs_dead_letters_with_the_reason()
    {
        var values = Enumerable.Range(0, 20).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},S{i % 3},{i}.25")).ToArray();
        values[4] = "4,,4.25";   // null symbol: the field is not nullable
        values[9] = "9,S0,9.125"; // three decimals in DECIMAL(8,2)
        using (var p = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = _kafka.BootstrapServers }).Build())
        {
            for (var i = 0; i < values.Length; i++)
            {
                p.Produce(new TopicPartition("quotes", 0), new Message<byte[], byte[]> { Key = KeyOf(i), Value = Encoding.UTF8.GetBytes(values[i]) });
            }

            p.Flush(TimeSpan.FromSeconds(10));
        }

        var sink = ParquetSink.For<GenericRecord>(_lake.Path);
        using var topics = new TestTopics(_kafka.BootstrapServers);
        var system = await ActorFlowCluster.StartNodeAsync("parquet-dead", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("parquet-dead");
            var producer = ProducerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers);
            var job = StreamJobBuilder.Create("parquet-dead")
                .WithDeadLetters(KafkaConnectors.DeadLetters(producer, "dead"))
                .FromSource("quotes", KafkaConnectors.Source(consumer, Subscriptions.Assignment(new TopicPartition("quotes", 0)), Decode), WatermarkStrategy<GenericRecord>.NoWatermarks())
                .To(sink)
                .Build();
            var running = await JobRunner.StartAsync(system, job, new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => topics.ReadDeadLetters("dead").Count >= 2, TimeSpan.FromSeconds(60), "two dead letters");
            // The dead letters show only that records 4 and 9 were read: the later ones may reach the sink after a
            // checkpoint's barrier, into an open file that only a later checkpoint closes and commits (none is
            // periodic here; until its first row group that file is not even on disk, so "no file in progress" alone
            // proves nothing). Checkpoint until the 18 records are in committed files and none is in progress.
            await Poll.UntilAsync(
                async () =>
                {
                    if (!Landed(18))
                    {
                        await running.CheckpointAsync();
                    }

                    return Landed(18);
                },
                TimeSpan.FromSeconds(60),
                () => $"the 18 records committed ({SinkFiles.Final(_lake.Path).Count} file(s) committed, {SinkFiles.InProgress(_lake.Path).Count} in progress)");
            Assert.False(running.Completion.IsCompleted, "the job must keep running");
            await running.StopAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var dead = topics.ReadDeadLetters("dead");
        Assert.Equal(2, dead.Count);
        foreach (var (letter, offset, field) in new[] { (dead[0], 4, "field 'symbol' is null"), (dead[1], 9, "field 'price': 9.125 does not fit decimal(8, 2)") })
        {
            Assert.Contains($"sink '{sink.Name}' refused the record: does not fit the Parquet file schema: ", letter.Reason, StringComparison.Ordinal);
            Assert.Contains(field, letter.Reason, StringComparison.Ordinal);
            Assert.Equal(sink.Name, letter.Operator);
            Assert.Equal("quotes/0", letter.Origin);
            Assert.Equal(offset, letter.Offset);
            Assert.Equal(KeyOf(offset), letter.Key);
            Assert.Equal(values[offset], Encoding.UTF8.GetString(letter.Value!));
        }

        var from = DuckDb.Files(_lake.Path);
        Assert.Equal(18L, DuckDb.Scalar($"SELECT count(*) FROM {from}"));
        Assert.Equal(0L, DuckDb.Scalar($"SELECT count(*) FROM {from} WHERE id IN (4, 9)"));
        Assert.Equal("7.25", DuckDb.Scalar($"SELECT CAST(price AS VARCHAR) FROM {from} WHERE id = 7"));
    }

    /// <summary>Verify that <see cref="ParquetSink{T}.Refuse"/> names the field of each kind of misfit and lets a fitting record through.</summary>
    [Fact]
    public void Refuse_must_name_the_field_that_does_not_fit()
    {
        var schema = (RecordSchema)Schema.Parse(AvroMappingSpec.Schema);
        var sink = ParquetSink.For<GenericRecord>(_lake.Path);
        var good = AvroMappingSpec.Payment(schema, 1);
        var decimalMisfit = AvroMappingSpec.Payment(schema, 2);
        decimalMisfit.Add("amount", new AvroDecimal(1.234m));
        var nullMisfit = AvroMappingSpec.Payment(schema, 3);
        nullMisfit.Add("card", null);
        var typeMisfit = AvroMappingSpec.Payment(schema, 4);
        typeMisfit.Add("count", "four");

        Assert.Null(sink.Refuse(good));
        Assert.Contains("field 'amount': 1.234 does not fit decimal(12, 2)", sink.Refuse(decimalMisfit), StringComparison.Ordinal);
        Assert.Contains("field 'card' is null but its schema does not allow null", sink.Refuse(nullMisfit), StringComparison.Ordinal);
        Assert.Contains("field 'count' should be Int32 but holds a String", sink.Refuse(typeMisfit), StringComparison.Ordinal);
        Assert.Contains("a null record cannot be landed", sink.Refuse(null!), StringComparison.Ordinal);
    }

    /// <summary>Verify that a writer used outside a job (nothing refused the record before it) fails with the reason.</summary>
    [Fact]
    public async Task Outside_a_job_a_record_that_does_not_fit_must_fail_the_writer()
    {
        var schema = (RecordSchema)Schema.Parse(AvroMappingSpec.Schema);
        var record = AvroMappingSpec.Payment(schema, 1);
        record.Add("amount", new AvroDecimal(1.234m));
        var sink = ParquetSink.For<GenericRecord>(_lake.Path);
        await using var writer = sink.CreateWriter();
        var e = await Assert.ThrowsAnyAsync<Exception>(async () => await writer.WriteAsync([record], CancellationToken.None));
        Assert.Contains("does not fit decimal(12, 2)", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
        _lake.Dispose();
    }

    private static byte[] KeyOf(int i) => Encoding.UTF8.GetBytes("q" + i.ToString(CultureInfo.InvariantCulture));

    private static GenericRecord Decode(ConsumeResult<byte[], byte[]> r)
    {
        var f = Encoding.UTF8.GetString(r.Message.Value).Split(',');
        var record = new GenericRecord(Quote);
        record.Add("id", long.Parse(f[0], CultureInfo.InvariantCulture));
        record.Add("symbol", f[1].Length == 0 ? null : f[1]);
        record.Add("price", new AvroDecimal(decimal.Parse(f[2], CultureInfo.InvariantCulture)));
        return record;
    }

    /// <summary>Whether no file is in progress and the committed files hold at least <paramref name="rows"/> rows.</summary>
    private bool Landed(long rows) =>
        SinkFiles.InProgress(_lake.Path).Count == 0
        && SinkFiles.Final(_lake.Path).Count > 0
        && (long)DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Files(_lake.Path)}")! >= rows;
}
