using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>An Avro timestamp field holding its raw long (epoch milliseconds or microseconds, as the Avro spec encodes it) lands as that instant.</summary>
public sealed class AvroTimestampValueSpec : IDisposable
{
    private const string Schema = """
        {"type":"record","name":"Tick","namespace":"test","fields":[
          {"name":"id","type":"int"},
          {"name":"micros","type":{"type":"long","logicalType":"timestamp-micros"}},
          {"name":"millis","type":{"type":"long","logicalType":"timestamp-millis"}}
        ]}
        """;

    private readonly TempDirectory _lake = new("actorflow-parquet-avro-ts");

    /// <summary>
    /// Verify that a raw long in a timestamp-micros field is read as microseconds (it was read as milliseconds: a
    /// present-day value failed the sink with an exception from <see cref="ParquetSink{T}.Refuse"/>, a small one
    /// landed 1,000 times too late), a raw long in a timestamp-millis field as milliseconds, and that a value outside
    /// the range of a timestamp is refused with a reason naming the field instead of throwing.
    /// </summary>
    [Fact]
    public async Task A_raw_long_timestamp_must_land_in_the_unit_of_its_logical_type()
    {
        var schema = (RecordSchema)global::Avro.Schema.Parse(Schema);
        var records = new[] { Tick(schema, 0, 1_795_000_000_123_456L, 1_795_000_000_123L), Tick(schema, 1, 1_500L, 2L) };
        var sink = ParquetSink.For<GenericRecord>(_lake.Path);
        Assert.All(records, r => Assert.Null(sink.Refuse(r)));
        await SinkFiles.LandAsync(sink, records);

        var from = DuckDb.Files(_lake.Path);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", DuckDb.Types(from)["micros"]);
        var rows = DuckDb.Query($"SELECT id, epoch_us(micros), epoch_ms(millis) FROM {from} ORDER BY id");
        Assert.Equal([0, 1_795_000_000_123_456L, 1_795_000_000_123L], rows[0]);
        Assert.Equal([1, 1_500L, 2L], rows[1]);

        // The row group's statistics are in the column's unit: an engine that prunes by them finds the rows.
        var stats = DuckDb.Query($"SELECT path_in_schema, stats_min_value, stats_max_value FROM parquet_metadata('{_lake.Path}/**/*.parquet') ORDER BY path_in_schema");
        var micros = stats.Single(r => (string)r[0]! == "micros");
        Assert.Equal(["micros", "1970-01-01 00:00:00.0015+00", "2026-11-18 11:06:40.123456+00"], micros);
        Assert.Equal(1L, DuckDb.Scalar($"SELECT count(*) FROM {from} WHERE micros >= TIMESTAMPTZ '2026-01-01 00:00:00+00'"));

        var reason = sink.Refuse(Tick(schema, 2, long.MaxValue, 0));
        Assert.NotNull(reason);
        Assert.Contains("field 'micros'", reason, StringComparison.Ordinal);
        Assert.Contains("outside the range of a timestamp", reason, StringComparison.Ordinal);
    }

    public void Dispose() => _lake.Dispose();

    private static GenericRecord Tick(RecordSchema schema, int id, long micros, long millis)
    {
        var record = new GenericRecord(schema);
        record.Add("id", id);
        record.Add("micros", micros);
        record.Add("millis", millis);
        return record;
    }
}
