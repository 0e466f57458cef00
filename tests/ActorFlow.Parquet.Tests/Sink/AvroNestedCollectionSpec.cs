using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>Avro collections inside collections: arrays of arrays and of maps land; maps of records, arrays or maps are refused up front.</summary>
public sealed class AvroNestedCollectionSpec : IDisposable
{
    private const string Schema = """
        {"type":"record","name":"Basket","namespace":"test","fields":[
          {"name":"id","type":"int"},
          {"name":"grid","type":{"type":"array","items":{"type":"array","items":"int"}}},
          {"name":"bags","type":{"type":"array","items":{"type":"map","values":"long"}}},
          {"name":"lines","type":{"type":"array","items":{"type":"record","name":"Line","fields":[
            {"name":"sku","type":["null","string"]},
            {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},
            {"name":"price","type":{"type":"fixed","name":"Price","size":8,"logicalType":"decimal","precision":18,"scale":4}}]}}}
        ]}
        """;

    private const string MapOfRecords = """
        {"type":"record","name":"Stock","namespace":"test","fields":[
          {"name":"id","type":"int"},
          {"name":"bySku","type":{"type":"map","values":{"type":"record","name":"Level","fields":[{"name":"n","type":"int"}]}}}
        ]}
        """;

    private readonly TempDirectory _lake = new("actorflow-parquet-avro-nested");

    /// <summary>
    /// Verify that an array of arrays and an array of maps land as DuckDB's INTEGER[][] and MAP(VARCHAR, BIGINT)[]
    /// (both failed the sink with an exception while the record was converted), next to an array of records holding
    /// a nullable string, a timestamp and a fixed decimal.
    /// </summary>
    [Fact]
    public async Task Arrays_of_arrays_and_of_maps_must_land_with_their_values()
    {
        var schema = (RecordSchema)global::Avro.Schema.Parse(Schema);
        var line = (RecordSchema)((ArraySchema)schema["lines"].Schema).ItemSchema;
        var records = Enumerable.Range(0, 3).Select(i =>
        {
            var record = new GenericRecord(schema);
            record.Add("id", i);
            record.Add("grid", new object[] { new object[] { i, i + 1 }, Array.Empty<object>() });
            record.Add("bags", new object[] { new Dictionary<string, object> { ["a"] = (long)i } });
            var l = new GenericRecord(line);
            l.Add("sku", i == 0 ? null : "sku-" + i);
            l.Add("at", DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_000L + i).UtcDateTime);
            l.Add("price", new AvroDecimal(-12.3456m * i));
            record.Add("lines", new object[] { l });
            return record;
        }).ToList();
        var sink = ParquetSink.For<GenericRecord>(_lake.Path);
        Assert.All(records, r => Assert.Null(sink.Refuse(r)));
        await SinkFiles.LandAsync(sink, records);

        var from = DuckDb.Files(_lake.Path);
        var types = DuckDb.Types(from);
        Assert.Equal("INTEGER[][]", types["grid"]);
        Assert.Equal("MAP(VARCHAR, BIGINT)[]", types["bags"]);
        Assert.Equal("STRUCT(sku VARCHAR, \"at\" TIMESTAMP WITH TIME ZONE, price DECIMAL(18,4))[]", types["lines"]);
        var rows = DuckDb.Query($"SELECT id, grid::VARCHAR, bags[1]['a'], lines[1].sku, epoch_ms(lines[1].at), lines[1].price::VARCHAR FROM {from} ORDER BY id");
        Assert.Equal([0, "[[0, 1], []]", 0L, null, 1_795_000_000_000L, "0.0000"], rows[0]);
        Assert.Equal([2, "[[2, 3], []]", 2L, "sku-2", 1_795_000_000_002L, "-24.6912"], rows[2]);
    }

    /// <summary>
    /// Verify that a map whose values are records is refused with a reason naming the field (it passed the check and
    /// then failed the writer inside Parquet.Net when the file was written: in a job, a checkpoint failure on every
    /// retry instead of a dead letter).
    /// </summary>
    [Fact]
    public void A_map_of_records_must_be_refused_naming_the_field()
    {
        var schema = (RecordSchema)global::Avro.Schema.Parse(MapOfRecords);
        var level = new GenericRecord((RecordSchema)((MapSchema)schema["bySku"].Schema).ValueSchema);
        level.Add("n", 1);
        var record = new GenericRecord(schema);
        record.Add("id", 1);
        record.Add("bySku", new Dictionary<string, object> { ["a"] = level });

        var reason = ParquetSink.For<GenericRecord>(_lake.Path).Refuse(record);
        Assert.NotNull(reason);
        Assert.Contains("field 'bySku' is a map of Record values", reason, StringComparison.Ordinal);
    }

    public void Dispose() => _lake.Dispose();
}
