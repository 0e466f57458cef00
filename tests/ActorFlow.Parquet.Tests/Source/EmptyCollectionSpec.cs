using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>An empty list or map reads as an empty collection, a null one as null, at any depth, as DuckDB, Spark and pyarrow read them.</summary>
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

    /// <summary>
    /// Verify that empty lists and maps nested in a struct, in a list, in a list of structs and as map values read as
    /// empty collections and NULL ones as null, as DuckDB's <c>to_json</c> shows them (Parquet.Net 6.1's serializer
    /// read every nested empty list as null, and the source refilled only top-level ones).
    /// </summary>
    [Fact]
    public async Task An_empty_list_or_map_must_read_as_empty_at_any_depth()
    {
        DuckDb.Query($$"""
            COPY (SELECT i AS id,
                         CASE i WHEN 0 THEN {'li': []::INTEGER[], 'm': MAP {}::MAP(VARCHAR, INTEGER)} WHEN 1 THEN {'li': NULL, 'm': NULL} ELSE {'li': [i], 'm': MAP {'a': i} } END AS st,
                         CASE i WHEN 0 THEN [[]::INTEGER[], []] WHEN 1 THEN [NULL::INTEGER[], []] ELSE [[i], NULL] END AS ll,
                         CASE i WHEN 0 THEN [{'xs': []::VARCHAR[]}] WHEN 1 THEN [{'xs': NULL::VARCHAR[]}] ELSE [{'xs': ['x']}, NULL] END AS ls,
                         CASE i WHEN 0 THEN MAP {'e': []::INTEGER[]} WHEN 1 THEN MAP {'n': NULL::INTEGER[]} ELSE MAP {'v': [i]} END AS ml
                  FROM (SELECT r::INTEGER AS i FROM range(0, 3) t(r))) TO '{{_lake.Path}}/deep.parquet' (FORMAT PARQUET)
            """);
        var expected = DuckDb.Query($"SELECT to_json(t) FROM (SELECT * FROM '{_lake.Path}/deep.parquet' ORDER BY id) t").Select(r => (string)r[0]!).ToList();
        Assert.Equal("""{"id":0,"st":{"li":[],"m":{}},"ll":[[],[]],"ls":[{"xs":[]}],"ml":{"e":[]}}""", expected[0]);
        Assert.Equal("""{"id":1,"st":{"li":null,"m":null},"ll":[null,[]],"ls":[{"xs":null}],"ml":{"n":null}}""", expected[1]);

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Deep>(_lake.Path));
        Assert.Equal(expected, read.Select(r => r.Value!).OrderBy(d => d.id).Select(d => System.Text.Json.JsonSerializer.Serialize(d)));
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
    public sealed class Deep
    {
        public int? id { get; set; }

        public Inner? st { get; set; }

        public List<List<int?>?>? ll { get; set; }

        public List<Strings?>? ls { get; set; }

        public Dictionary<string, int?[]?>? ml { get; set; }
    }

    public sealed class Inner
    {
        public List<int?>? li { get; set; }

        public Dictionary<string, int?>? m { get; set; }
    }

    public sealed class Strings
    {
        public string?[]? xs { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}
