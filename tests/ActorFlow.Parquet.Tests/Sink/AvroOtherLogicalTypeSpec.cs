using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>Avro time and local-timestamp fields land as parquet-avro lands them: TIME and TIMESTAMP not adjusted to UTC.</summary>
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
    /// Verify that time-millis, time-micros and local-timestamp-millis land as TIME(MILLIS), TIME(MICROS) (adjusted to
    /// UTC, as parquet-avro's AvroSchemaConverter writes them) and TIMESTAMP(MILLIS) not adjusted to UTC (they landed as
    /// plain INT32/INT64: DuckDB and Spark showed numbers), that such a field in a <c>["null", X]</c> union lands its
    /// nulls, and that the values Apache.Avro gives these logical types (a <see cref="TimeSpan"/>, a
    /// <see cref="DateTime"/> read as its wall clock) land as the raw int or long does.
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
        Assert.Equal("TIME WITH TIME ZONE", types["starts"]); // TIME(MILLIS, adjusted to UTC), as parquet-avro writes it
        Assert.Equal("TIMESTAMP", types["local"]); // TIMESTAMP(MILLIS, not adjusted to UTC)
        Assert.Equal("TIME WITH TIME ZONE", types["ends"]); // TIME(MICROS, adjusted to UTC)
        var rows = DuckDb.Query($"SELECT id, starts::VARCHAR, local::VARCHAR, ends::VARCHAR FROM {from} ORDER BY id");
        Assert.Equal([0, null, null, "00:00:00.0015+00"], rows[0]);
        Assert.Equal([1, "09:00:00+00", "2026-01-01 10:00:00", "00:00:00.000007+00"], rows[1]);
        Assert.Equal([2, "00:00:01+00", "2026-01-01 10:00:00", "00:00:01+00"], rows[2]);
        var metadata = DuckDb.Query($"SELECT name, logical_type FROM parquet_schema('{_lake.Path}/**/*.parquet') WHERE name IN ('starts', 'local', 'ends') ORDER BY name");
        Assert.Equal(
            [
                "ends TimeType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=<null>, MICROS=MicroSeconds(), NANOS=<null>))",
                "local TimestampType(isAdjustedToUTC=0, unit=TimeUnit(MILLIS=MilliSeconds(), MICROS=<null>, NANOS=<null>))",
                "starts TimeType(isAdjustedToUTC=1, unit=TimeUnit(MILLIS=MilliSeconds(), MICROS=<null>, NANOS=<null>))",
            ],
            metadata.Select(r => $"{r[0]} {r[1]}"));
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
