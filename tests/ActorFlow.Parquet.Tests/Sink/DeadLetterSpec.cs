using ActorFlow.Tests.Shared;
using ActorFlow.Topology.Connectors;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>Issue 18: a record that does not fit the file schema goes to the dead letters with the reason.</summary>
public sealed class DeadLetterSpec : IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-dead");

    /// <summary>
    /// Verify that a record whose decimal does not fit DECIMAL(12,2) and one with a null in a non-nullable field are
    /// dead-lettered with reasons naming the field, and every other record lands.
    /// </summary>
    [Fact]
    public async Task A_record_that_does_not_fit_must_go_to_the_dead_letters_with_the_reason()
    {
        var schema = (RecordSchema)Schema.Parse(AvroMappingSpec.Schema);
        var records = Enumerable.Range(0, 10).Select(i => AvroMappingSpec.Payment(schema, i)).ToList();
        records[2].Add("amount", new AvroDecimal(1.234m));
        records[5].Add("card", null);
        var dead = new List<DeadLetterRecord>();
        var sink = ParquetSink.For<GenericRecord>(_lake.Path, new ParquetSinkOptions<GenericRecord> { DeadLetters = dead.Add });
        await SinkFiles.LandAsync(sink, records);

        Assert.Equal(2, dead.Count);
        Assert.Contains("field 'amount': 1.234 does not fit decimal(12, 2)", dead[0].Reason, StringComparison.Ordinal);
        Assert.Contains("field 'card' is null", dead[1].Reason, StringComparison.Ordinal);
        Assert.Equal(8L, DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Files(_lake.Path)}"));
    }

    /// <summary>Verify that without a dead-letter output such a record fails the writer with the reason.</summary>
    [Fact]
    public async Task Without_dead_letters_a_record_that_does_not_fit_must_fail_the_writer()
    {
        var schema = (RecordSchema)Schema.Parse(AvroMappingSpec.Schema);
        var record = AvroMappingSpec.Payment(schema, 1);
        record.Add("amount", new AvroDecimal(1.234m));
        var sink = ParquetSink.For<GenericRecord>(_lake.Path);
        await using var writer = sink.CreateWriter();
        var e = await Assert.ThrowsAnyAsync<Exception>(async () => await writer.WriteAsync([record], CancellationToken.None));
        Assert.Contains("does not fit decimal(12, 2)", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _lake.Dispose();
}
