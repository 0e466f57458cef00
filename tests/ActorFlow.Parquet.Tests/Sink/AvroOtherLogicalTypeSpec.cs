using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>Logical types without a Parquet mapping of their own (time-millis, local-timestamp-millis) land as their underlying type.</summary>
public sealed class AvroOtherLogicalTypeSpec : IDisposable
{
    private const string Schema = """
        {"type":"record","name":"Shift","namespace":"test","fields":[
          {"name":"id","type":"int"},
          {"name":"starts","type":["null",{"type":"int","logicalType":"time-millis"}],"default":null},
          {"name":"local","type":["null",{"type":"long","logicalType":"local-timestamp-millis"}],"default":null},
          {"name":"ends","type":{"type":"long","logicalType":"time-micros"}}
        ]}
        """;

    private readonly TempDirectory _lake = new("actorflow-parquet-avro-other");

    /// <summary>
    /// Verify that such a field in a <c>["null", X]</c> union lands its nulls (they were refused: the union's
    /// nullability was dropped), and that the values Apache.Avro gives these logical types (a <see cref="TimeSpan"/>
    /// for time-millis and time-micros, a <see cref="DateTime"/> for local-timestamp-millis, which were refused as not
    /// being an int or a long) land as their underlying value, as the raw int or long does.
    /// </summary>
    [Fact]
    public async Task A_nullable_field_of_another_logical_type_must_land_its_nulls_and_logical_values()
    {
        var schema = (RecordSchema)global::Avro.Schema.Parse(Schema);
        var records = new[]
        {
            Shift(schema, 0, null, null, TimeSpan.FromMilliseconds(1.5)),
            Shift(schema, 1, TimeSpan.FromHours(9), new DateTime(2026, 1, 1, 10, 0, 0, DateTimeKind.Unspecified), 7L),
            Shift(schema, 2, 1_000, 1_767_261_600_000L, TimeSpan.FromSeconds(1)),
        };
        var sink = ParquetSink.For<GenericRecord>(_lake.Path);
        Assert.All(records, r => Assert.Null(sink.Refuse(r)));
        await SinkFiles.LandAsync(sink, records);

        var from = DuckDb.Files(_lake.Path);
        var types = DuckDb.Types(from);
        Assert.Equal("INTEGER", types["starts"]);
        Assert.Equal("BIGINT", types["local"]);
        Assert.Equal("BIGINT", types["ends"]);
        var rows = DuckDb.Query($"SELECT id, starts, local, ends FROM {from} ORDER BY id");
        Assert.Equal([0, null, null, 1_500L], rows[0]);
        Assert.Equal([1, 32_400_000, 1_767_261_600_000L, 7L], rows[1]);
        Assert.Equal([2, 1_000, 1_767_261_600_000L, 1_000_000L], rows[2]);
    }

    public void Dispose() => _lake.Dispose();

    private static GenericRecord Shift(RecordSchema schema, int id, object? starts, object? local, object ends)
    {
        var record = new GenericRecord(schema);
        record.Add("id", id);
        record.Add("starts", starts);
        record.Add("local", local);
        record.Add("ends", ends);
        return record;
    }
}
