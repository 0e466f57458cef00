using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>Issue 18: Avro records land with their nested records, arrays, maps, nullable unions and logical types.</summary>
public sealed class AvroMappingSpec : IDisposable
{
    internal const string Schema = """
        {"type":"record","name":"Payment","namespace":"test","fields":[
          {"name":"id","type":{"type":"string","logicalType":"uuid"}},
          {"name":"amount","type":{"type":"bytes","logicalType":"decimal","precision":12,"scale":2}},
          {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
          {"name":"day","type":{"type":"int","logicalType":"date"}},
          {"name":"note","type":["null","string"],"default":null},
          {"name":"count","type":"int"},
          {"name":"card","type":{"type":"record","name":"Card","fields":[{"name":"brand","type":"string"},{"name":"last4","type":"int"}]}},
          {"name":"tags","type":{"type":"array","items":"string"}},
          {"name":"scores","type":{"type":"map","values":"long"}},
          {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["DEBIT","CREDIT"]}}
        ]}
        """;

    private readonly TempDirectory _lake = new("actorflow-parquet-avro");

    /// <summary>
    /// Verify that every Avro construct lands with the Parquet type a reader expects (UUID, DECIMAL(12,2), TIMESTAMP WITH
    /// TIME ZONE, DATE, STRUCT, LIST, MAP) and that DuckDB reads back the values written, nulls included.
    /// </summary>
    [Fact]
    public async Task Avro_records_must_land_with_their_types_and_values()
    {
        var schema = (RecordSchema)global::Avro.Schema.Parse(Schema);
        var records = Enumerable.Range(0, 10).Select(i => Payment(schema, i)).ToList();
        var sink = ParquetSink.For<GenericRecord>(_lake.Path, new ParquetSinkOptions<GenericRecord> { Compression = ParquetCompression.Zstd });
        await SinkFiles.LandAsync(sink, records);

        var from = DuckDb.Files(_lake.Path);
        var types = DuckDb.Types(from);
        Assert.Equal("UUID", types["id"]);
        Assert.Equal("DECIMAL(12,2)", types["amount"]);
        Assert.Equal("TIMESTAMP WITH TIME ZONE", types["at"]);
        Assert.Equal("DATE", types["day"]);
        Assert.Equal("VARCHAR", types["note"]);
        Assert.Equal("INTEGER", types["count"]);
        Assert.Equal("STRUCT(brand VARCHAR, last4 INTEGER)", types["card"]);
        Assert.Equal("VARCHAR[]", types["tags"]);
        Assert.Equal("MAP(VARCHAR, BIGINT)", types["scores"]);
        Assert.Equal("VARCHAR", types["kind"]);

        var row = DuckDb.Query($"""
            SELECT CAST(id AS VARCHAR), CAST(amount AS VARCHAR), epoch_ms("at"), CAST("day" AS VARCHAR), note, "count", card.brand, card.last4,
                   list_aggregate(tags, 'string_agg', '|'), scores['b'], kind
            FROM {from} WHERE "count" = 3
            """).Single();
        Assert.Equal(IdOf(3).ToString(), row[0]);
        Assert.Equal("3.75", row[1]);
        Assert.Equal(1_795_000_000_000L + 3000, Convert.ToInt64(row[2], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("2026-11-21", row[3]);
        Assert.Null(row[4]);
        Assert.Equal(3, row[5]);
        Assert.Equal("VISA", row[6]);
        Assert.Equal(1003, row[7]);
        Assert.Equal("t3|x", row[8]);
        Assert.Equal(6L, row[9]);
        Assert.Equal("CREDIT", row[10]);
        Assert.Equal("note 4", DuckDb.Scalar($"""SELECT note FROM {from} WHERE "count" = 4"""));
        Assert.Equal(10L, DuckDb.Scalar($"SELECT count(*) FROM {from}"));
        Assert.Equal("ZSTD", DuckDb.Scalar($"SELECT DISTINCT compression FROM parquet_metadata('{_lake.Path}/**/*.parquet') WHERE path_in_schema = 'count'"));
    }

    public void Dispose() => _lake.Dispose();

    internal static Guid IdOf(int i) => new(i, 0, 0, new byte[8]);

    internal static GenericRecord Payment(RecordSchema schema, int i)
    {
        var record = new GenericRecord(schema);
        record.Add("id", IdOf(i));
        record.Add("amount", new AvroDecimal(i * 1.25m));
        record.Add("at", DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000L + (i * 1000)).UtcDateTime);
        record.Add("day", new DateTime(2026, 11, 18 + i, 0, 0, 0, DateTimeKind.Utc));
        record.Add("note", i % 2 == 0 ? "note " + i : null);
        record.Add("count", i);
        var card = new GenericRecord((RecordSchema)schema["card"].Schema);
        card.Add("brand", "VISA");
        card.Add("last4", 1000 + i);
        record.Add("card", card);
        record.Add("tags", new object[] { "t" + i, "x" });
        record.Add("scores", new Dictionary<string, object> { ["a"] = (long)i, ["b"] = i * 2L });
        record.Add("kind", new GenericEnum((EnumSchema)schema["kind"].Schema, i % 2 == 0 ? "DEBIT" : "CREDIT"));
        return record;
    }
}
