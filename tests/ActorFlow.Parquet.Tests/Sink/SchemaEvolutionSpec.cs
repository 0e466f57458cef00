using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>Issue 18: a new writer schema version starts new files; DuckDB reads both versions as one table.</summary>
public sealed class SchemaEvolutionSpec : IDisposable
{
    private const string V1 = """{"type":"record","name":"Click","fields":[{"name":"user","type":"string"},{"name":"at","type":"long"}]}""";
    private const string V2 = """{"type":"record","name":"Click","fields":[{"name":"user","type":"string"},{"name":"at","type":"long"},{"name":"page","type":["null","string"],"default":null}]}""";
    private readonly TempDirectory _lake = new("actorflow-parquet-evolve");

    /// <summary>
    /// Verify that records of two writer schema versions, interleaved, land in separate files (each file one schema,
    /// stored in its metadata) and read as one table with union_by_name: the old rows have a null page.
    /// </summary>
    [Fact]
    public async Task A_new_writer_schema_must_start_new_files_readable_as_one_table()
    {
        var v1 = (RecordSchema)Schema.Parse(V1);
        var v2 = (RecordSchema)Schema.Parse(V2);
        var records = Enumerable.Range(0, 40).Select(i => Click(i % 4 == 3 ? v2 : v1, i)).ToList();
        var sink = ParquetSink.For<GenericRecord>(_lake.Path);
        await SinkFiles.LandAsync(sink, records);

        var files = SinkFiles.Final(_lake.Path);
        Assert.Equal(2, files.Count);
        var columns = files.Select(f => (long)DuckDb.Scalar($"SELECT count(*) FROM parquet_schema('{f}') WHERE name = 'page'")!).Order().ToList();
        Assert.Equal([0L, 1], columns);
        var from = DuckDb.Files(_lake.Path);
        Assert.Equal(40L, DuckDb.Scalar($"SELECT count(*) FROM {from}"));
        Assert.Equal(30L, DuckDb.Scalar($"SELECT count(*) FROM {from} WHERE page IS NULL"));
        Assert.Equal("page 7", DuckDb.Scalar($"SELECT page FROM {from} WHERE user = 'u7'"));
    }

    public void Dispose() => _lake.Dispose();

    private static GenericRecord Click(RecordSchema schema, int i)
    {
        var r = new GenericRecord(schema);
        r.Add("user", "u" + i);
        r.Add("at", 1000L * i);
        if (schema.Contains("page"))
        {
            r.Add("page", "page " + i);
        }

        return r;
    }
}
