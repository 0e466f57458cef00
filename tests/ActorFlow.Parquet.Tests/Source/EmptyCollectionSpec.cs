using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>An empty list or map column reads as an empty collection, a null one as null, as DuckDB, Spark and pyarrow read them.</summary>
public sealed class EmptyCollectionSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-empty");

    /// <summary>
    /// Verify that DuckDB's <c>[]</c> reads into a list and an array member as an empty collection (Parquet.Net 6.1's
    /// serializer left it null, as it does a NULL list) and <c>MAP {}</c> into a dictionary as an empty one, while
    /// NULL stays null and values read as written.
    /// </summary>
    [Fact]
    public async Task An_empty_list_or_map_must_read_as_an_empty_collection_not_null()
    {
        DuckDb.Query($$"""
            COPY (SELECT i AS id,
                         CASE i WHEN 0 THEN []::INTEGER[] WHEN 1 THEN NULL ELSE [i, i + 1]::INTEGER[] END AS li,
                         CASE i WHEN 0 THEN []::VARCHAR[] WHEN 1 THEN NULL ELSE ['x'] END AS arr,
                         CASE i WHEN 0 THEN MAP {}::MAP(VARCHAR, INTEGER) WHEN 1 THEN NULL ELSE MAP {'a': i}::MAP(VARCHAR, INTEGER) END AS m
                  FROM range(0, 3) t(i)) TO '{{_lake.Path}}/c.parquet' (FORMAT PARQUET)
            """);
        Assert.Equal(["0|[]|[]|{}", "1|<null>|<null>|<null>", "2|[2, 3]|[x]|{a=2}"], DuckDb.Query($"SELECT id, CAST(li AS VARCHAR), CAST(arr AS VARCHAR), CAST(m AS VARCHAR) FROM '{_lake.Path}/c.parquet' ORDER BY id")
            .Select(r => string.Join('|', r.Select(v => v ?? "<null>"))));

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Bag>(_lake.Path));
        Assert.Equal(["0|[]|[]|{}", "1|<null>|<null>|<null>", "2|[2, 3]|[x]|{a=2}"], read.Select(r => r.Value!).OrderBy(b => b.id).Select(b => b.Text()));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

#pragma warning disable SA1300, IDE1006 // DuckDB's column names
    public sealed class Bag
    {
        public long? id { get; set; }

        public List<int?>? li { get; set; }

        public string?[]? arr { get; set; }

        public Dictionary<string, int?>? m { get; set; }

        public string Text() =>
            $"{id}|{(li is null ? "<null>" : $"[{string.Join(", ", li)}]")}|{(arr is null ? "<null>" : $"[{string.Join(", ", arr)}]")}|{(m is null ? "<null>" : "{" + string.Join(",", m.Select(kv => $"{kv.Key}={kv.Value}")) + "}")}";
    }
#pragma warning restore SA1300, IDE1006
}
