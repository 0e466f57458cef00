using System.Text.Json;
using System.Text.Json.Nodes;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>Nested columns DuckDB writes (structs, lists, lists of structs and of lists, maps) read into classes with DuckDB's values, NULLs and empty lists at every depth.</summary>
public sealed class NestedShapeReadSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    /// <summary>Every shape, each with a NULL, an empty collection, null elements and values, in rows that cycle through them.</summary>
    private const string Rows = """
        SELECT i AS id,
          CASE i % 4 WHEN 0 THEN NULL
            ELSE {'name': CASE WHEN i % 3 = 0 THEN NULL ELSE 'n' || i END, 'v': i,
                  'tags': CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN []::VARCHAR[] ELSE ['t' || i, NULL] END} END AS st,
          CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN []::INTEGER[] WHEN 2 THEN [i, NULL, i + 1] ELSE [i] END AS ints,
          CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN []::VARCHAR[] WHEN 2 THEN ['a' || i, NULL, ''] ELSE ['clé-ü-✓'] END AS strs,
          CASE i % 6 WHEN 0 THEN NULL WHEN 1 THEN []::STRUCT(k VARCHAR, n INTEGER)[] WHEN 2 THEN [NULL, {'k': 'x', 'n': i}]
            WHEN 3 THEN [{'k': NULL, 'n': NULL}] ELSE [{'k': 'y', 'n': i}, {'k': 'z', 'n': -i}] END AS recs,
          CASE i % 7 WHEN 0 THEN NULL WHEN 1 THEN []::INTEGER[][] WHEN 2 THEN [[]::INTEGER[]] WHEN 3 THEN [NULL, [1, NULL], []]
            ELSE [[i], [i, i]] END AS nested,
          CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN MAP {}::MAP(VARCHAR, INTEGER) WHEN 2 THEN MAP {'a': i, 'b': NULL} ELSE MAP {'c': 1} END AS m,
          CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN MAP {}::MAP(VARCHAR, STRUCT(k VARCHAR, n INTEGER))
            WHEN 2 THEN MAP {'p': {'k': 'x', 'n': i}, 'q': NULL} ELSE MAP {'r': {'k': NULL, 'n': NULL}} END AS mr,
          CASE i % 3 WHEN 0 THEN NULL WHEN 1 THEN {'deep': []::STRUCT(xs INTEGER[])[]}
            ELSE {'deep': [{'xs': []::INTEGER[]}, {'xs': NULL}, NULL, {'xs': [i, NULL]}]} END AS outer
        FROM (SELECT r::INTEGER AS i FROM range(0, 5000) t(r))
        """;

    private static readonly JsonSerializerOptions Json = new() { IncludeFields = true };

    private readonly TempDirectory _lake = new("actorflow-parquet-nested");

    /// <summary>
    /// Verify that DuckDB's STRUCT, INTEGER[], VARCHAR[], STRUCT[], INTEGER[][], MAP(VARCHAR, INTEGER),
    /// MAP(VARCHAR, STRUCT) and lists inside structs inside lists read into classes, lists, arrays, interfaces a list
    /// is, and dictionaries with the values DuckDB's <c>to_json</c> gives: a NULL struct, list or map is null, an
    /// empty list or map is empty at every depth, a NULL element or map value is null (Parquet.Net 6.1's serializer
    /// dropped null elements and read empty lists as null); over several row groups, and resumed mid row group; and
    /// that equal strings of a row group are one string.
    /// </summary>
    [Fact]
    public async Task Nested_columns_must_read_with_the_values_duckdb_reads()
    {
        DuckDb.Query($"COPY ({Rows}) TO '{_lake.Path}/shapes.parquet' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)");
        var expected = DuckDb.Query($"SELECT to_json(t) FROM (SELECT * FROM '{_lake.Path}/shapes.parquet' ORDER BY id) t")
            .Select(r => JsonNode.Parse((string)r[0]!)!).ToList();
        Assert.Equal(5000, expected.Count);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"id":3,"st":{"name":null,"v":3,"tags":["t3",null]},"ints":[3],"strs":["clé-ü-✓"],"recs":[{"k":null,"n":null}],"nested":[null,[1,null],[]],"m":{"c":1},"mr":{"r":{"k":null,"n":null}},"outer":null}"""), expected[3]));

        var source = ParquetSource.For<Shapes>(_lake.Path);
        var read = await SourceRun.AllAsync(Sys, source);
        Assert.True(source.Metrics.RowGroupsRead > 1);
        var actual = read.Select(r => r.Value!).OrderBy(s => s.id).Select(s => JsonSerializer.SerializeToNode(s, Json)!).ToList();
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(expected[i], actual[i]), $"row {i}: DuckDB {expected[i].ToJsonString()}, source {actual[i].ToJsonString()}");
        }

        // Equal strings of a row group are one string, as the column reader makes them.
        var shared = read.Where(r => r.Origin == read[0].Origin).SelectMany(r => r.Value!.strs ?? []).Where(s => s == "clé-ü-✓").ToList();
        Assert.True(shared.Count > 100);
        Assert.All(shared, s => Assert.Same(shared[0], s));

        var partition = read.Select(r => r.Origin).Distinct().Order(StringComparer.Ordinal).ElementAt(1);
        var resumed = await SourceRun.AllAsync(Sys, ParquetSource.For<Shapes>(_lake.Path), new Dictionary<string, long> { [partition] = 40 });
        var whole = read.Where(r => r.Origin == partition && r.Offset >= 40).OrderBy(r => r.Offset).ToList();
        var part = resumed.Where(r => r.Origin == partition).ToList();
        Assert.NotEmpty(part);
        Assert.Equal(whole.Select(r => r.Offset), part.Select(r => r.Offset));
        Assert.Equal(whole.Select(r => expected[r.Value!.id!.Value].ToJsonString()), part.Select(r => JsonSerializer.SerializeToNode(r.Value!, Json)!.ToJsonString()));
    }

    /// <summary>
    /// Verify that a STRUCT reads into a C# struct and a nullable one (a NULL struct into a <c>Point?</c> is null, its
    /// fields set otherwise), also as list elements.
    /// </summary>
    [Fact]
    public async Task A_struct_column_must_read_into_a_csharp_struct()
    {
        DuckDb.Query($$"""
            COPY (SELECT i AS id, {'x': i, 'y': i * 2} AS at, CASE WHEN i = 1 THEN NULL ELSE {'x': -i, 'y': NULL::BIGINT} END AS maybe,
                         [{'x': i, 'y': 1::BIGINT}, NULL] AS points
                  FROM range(0, 3) t(i)) TO '{{_lake.Path}}/points.parquet' (FORMAT PARQUET)
            """);

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Located>(_lake.Path));
        Assert.Equal(
            ["0|0,0|0,|0,1;null", "1|1,2|null|1,1;null", "2|2,4|-2,|2,1;null"],
            read.Select(r => r.Value!).OrderBy(l => l.id).Select(l => $"{l.id}|{l.at.x},{l.at.y}|{(l.maybe is { } m ? $"{m.x},{m.y}" : "null")}|{string.Join(';', l.points!.Select(p => p is { } q ? $"{q.x},{q.y}" : "null"))}"));
    }

    /// <summary>
    /// Verify that a list and a map read into other collection types: a <see cref="HashSet{T}"/>, a
    /// <see cref="System.Collections.ObjectModel.Collection{T}"/>, an <see cref="ICollection{T}"/>, a
    /// <see cref="SortedDictionary{TKey, TValue}"/> and an <see cref="IDictionary{TKey, TValue}"/>, NULL as null and
    /// empty as empty.
    /// </summary>
    [Fact]
    public async Task A_list_or_map_must_read_into_other_collection_types()
    {
        DuckDb.Query($$"""
            COPY (SELECT id, li AS "set", li AS collection, li AS interfaced, m AS sorted, m AS map
                  FROM (SELECT i AS id, CASE i WHEN 0 THEN NULL WHEN 1 THEN []::INTEGER[] ELSE [3, 1, NULL, 3] END AS li,
                               CASE i WHEN 0 THEN NULL WHEN 1 THEN MAP {}::MAP(VARCHAR, INTEGER) ELSE MAP {'b': 2, 'a': NULL} END AS m
                        FROM (SELECT r::INTEGER AS i FROM range(0, 3) t(r)))) TO '{{_lake.Path}}/collections.parquet' (FORMAT PARQUET)
            """);
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Collections>(_lake.Path));
        Assert.Equal(
            ["0|null|null|null|null|null", "1|||||", "2|,1,3|3,1,,3|3,1,,3|a=,b=2|a=,b=2"],
            read.Select(r => r.Value!).OrderBy(c => c.id).Select(c => string.Join('|', c.id, Text(c.set?.Order()), Text(c.collection), Text(c.interfaced), Text(c.sorted?.Select(e => $"{e.Key}={e.Value}")), Text(c.map?.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Key}={e.Value}")))));

        static string Text<TItem>(IEnumerable<TItem>? items) => items is null ? "null" : string.Join(',', items);
    }

    /// <summary>
    /// Verify that a repeated value column with no LIST group (what Parquet.Net writes for
    /// <c>[ParquetSimpleRepeatable]</c>, and older writers for any list) reads into a list and an array member, an
    /// empty repetition as an empty collection.
    /// </summary>
    [Fact]
    public async Task A_repeated_column_without_a_list_group_must_read_as_a_list()
    {
        await global::Parquet.Serialization.ParquetSerializer.SerializeAsync(
            Enumerable.Range(0, 3).Select(i => new Repeated { Id = i, Codes = [.. Enumerable.Range(0, i).Select(c => c * 10)], Names = [.. Enumerable.Range(0, i).Select(c => "n" + c)] }),
            $"{_lake.Path}/repeated.parquet");
        await using (var reader = await global::Parquet.ParquetReader.CreateAsync($"{_lake.Path}/repeated.parquet"))
        {
            Assert.True(Assert.IsType<global::Parquet.Schema.DataField>(reader.Schema.Fields[1]).IsArray);
        }

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<RepeatedRow>(_lake.Path));
        Assert.Equal(["0:|", "1:0|n0", "2:0,10|n0,n1"], read.Select(r => r.Value!).OrderBy(r => r.Id).Select(r => $"{r.Id}:{string.Join(',', r.Codes!)}|{string.Join(',', r.Names!)}"));
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

#pragma warning disable SA1300, IDE1006, SA1516, SA1649 // DuckDB's column names
    public sealed class Shapes
    {
        public int? id { get; set; }
        public Named? st { get; set; }
        public List<int?>? ints { get; set; }
        public string?[]? strs { get; set; }
        public IEnumerable<Rec?>? recs { get; set; }
        public IReadOnlyList<List<int?>?>? nested { get; set; }
        public Dictionary<string, int?>? m { get; set; }
        public IDictionary<string, Rec?>? mr { get; set; }
        public Outer? outer { get; set; }
    }

    public sealed class Named
    {
        public string? name { get; set; }
        public int? v { get; set; }
        public IList<string?>? tags { get; set; }
    }

    public sealed class Rec
    {
        public string? k { get; set; }
        public int? n { get; set; }
    }

    public sealed class Outer
    {
        public List<Deep?>? deep { get; set; }
    }

    public sealed class Deep
    {
        public int?[]? xs { get; set; }
    }

    public sealed class Located
    {
        public long? id { get; set; }
        public Point at { get; set; }
        public Point? maybe { get; set; }
        public List<Point?>? points { get; set; }
    }

    public sealed class Collections
    {
        public int? id { get; set; }
        public HashSet<int?>? set { get; set; }
        public System.Collections.ObjectModel.Collection<int?>? collection { get; set; }
        public ICollection<int?>? interfaced { get; set; }
        public SortedDictionary<string, int?>? sorted { get; set; }
        public IDictionary<string, int?>? map { get; set; }
    }

    public sealed class Repeated
    {
        public int Id { get; set; }
        [global::Parquet.Serialization.Attributes.ParquetSimpleRepeatable]
        public List<int> Codes { get; set; } = [];
        [global::Parquet.Serialization.Attributes.ParquetSimpleRepeatable]
        public List<string> Names { get; set; } = [];
    }

    public sealed class RepeatedRow
    {
        public int Id { get; set; }
        public List<int>? Codes { get; set; }
        public string[]? Names { get; set; }
    }

    public struct Point
    {
        public long? x { get; set; }
        public long? y { get; set; }
    }
#pragma warning restore SA1300, IDE1006, SA1516, SA1649
}
