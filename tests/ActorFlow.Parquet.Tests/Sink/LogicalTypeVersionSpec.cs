using System.Globalization;
using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>
/// Writer schema versions that differ only in a logical type (a long that became a timestamp, a decimal's scale) are
/// different file schemas: each lands in files of its own types. They shared the first version's file schema before
/// (its key was the Parsing Canonical Form, which drops logical types), so the later version's records were refused or
/// truncated.
/// </summary>
public sealed class LogicalTypeVersionSpec : IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-logical-versions");

    /// <summary>Verify that a long turned timestamp-millis lands as BIGINT in the old version's file and TIMESTAMP in the new one's.</summary>
    [Fact]
    public async Task A_long_that_became_a_timestamp_must_land_in_files_of_its_own_type()
    {
        var v1 = Schema("""{"type":"long"}""");
        var v2 = Schema("""{"type":"long","logicalType":"timestamp-millis"}""");
        var at = new DateTime(2026, 12, 6, 12, 0, 0, 123, DateTimeKind.Utc);
        var sink = ParquetSink.For<GenericRecord>(_lake.Path);

        await SinkFiles.LandAsync(sink, [Record(v1, "old", 5L), Record(v2, "new", at)]);

        var files = SinkFiles.Final(_lake.Path);
        Assert.Equal(2, files.Count);
        Assert.Equal(
            ["BIGINT", "TIMESTAMP WITH TIME ZONE"],
            files.Select(f => DuckDb.Types($"read_parquet('{f}')")["value"]).Order(StringComparer.Ordinal));
        Assert.Equal(5L, DuckDb.Scalar($"SELECT value FROM read_parquet('{files.Single(f => DuckDb.Types($"read_parquet('{f}')")["value"] == "BIGINT")}')"));
        Assert.Equal(
            "2026-12-06 12:00:00.123",
            DuckDb.Scalar($"SELECT strftime(value AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%g') FROM read_parquet('{files.Single(f => DuckDb.Types($"read_parquet('{f}')")["value"] != "BIGINT")}')"));
    }

    /// <summary>Verify that a decimal whose scale grew lands each version's values whole (1.2345 in the new version).</summary>
    [Fact]
    public async Task A_decimal_whose_scale_grew_must_land_each_versions_values_whole()
    {
        var v1 = Schema("""{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}""");
        var v2 = Schema("""{"type":"bytes","logicalType":"decimal","precision":12,"scale":4}""");
        var sink = ParquetSink.For<GenericRecord>(_lake.Path);

        await SinkFiles.LandAsync(sink, [Record(v1, "old", new AvroDecimal(1.25m)), Record(v2, "new", new AvroDecimal(1.2345m))]);

        Assert.Equal(2, SinkFiles.Final(_lake.Path).Count);
        var values = DuckDb.Query($"SELECT name, CAST(value AS VARCHAR) FROM {DuckDb.Files(_lake.Path)} ORDER BY name")
            .Select(r => string.Create(CultureInfo.InvariantCulture, $"{r[0]}={r[1]}"));
        Assert.Equal(["new=1.2345", "old=1.2500"], values);
    }

    public void Dispose() => _lake.Dispose();

    private static RecordSchema Schema(string valueType) =>
        (RecordSchema)global::Avro.Schema.Parse($$"""{"type":"record","name":"Reading","fields":[{"name":"name","type":"string"},{"name":"value","type":{{valueType}}}]}""");

    private static GenericRecord Record(RecordSchema schema, string name, object value)
    {
        var r = new GenericRecord(schema);
        r.Add("name", name);
        r.Add("value", value);
        return r;
    }
}
