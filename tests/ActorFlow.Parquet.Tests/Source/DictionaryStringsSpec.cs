using ActorFlow.Parquet.Internal;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// Dictionary-encoded string columns (what DuckDB, Spark, Arrow and the sink write) read with their values: each
/// dictionary entry becomes one string per row group, found by the identity of the characters Parquet.Net decoded for
/// it instead of by hashing them per row, whatever the column's cardinality.
/// </summary>
public sealed class DictionaryStringsSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-dictionary-strings");

    /// <summary>
    /// Verify that a DuckDB file whose string columns are dictionary-encoded (checked) reads through the column reader, the
    /// level assembler and as Avro records with DuckDB's values (empty, null, non-ASCII and long values among them), and
    /// that a key's rows share one string (as Avro records, within a row group).
    /// </summary>
    [Fact]
    public async Task Dictionary_encoded_strings_must_read_with_duckdbs_values()
    {
        var file = $"{_lake.Path}/keys.parquet";
        DuckDb.Query($"""
            COPY (SELECT i AS Id,
                    CASE WHEN i % 9 = 0 THEN NULL WHEN i % 9 = 1 THEN '' WHEN i % 9 = 2 THEN 'clé-ü-✓-😀' WHEN i % 9 = 3 THEN repeat('x', 5000) ELSE 'key-' || (i % 40) END AS Key,
                    [i % 3]::INTEGER[] AS Tags
                  FROM (SELECT r::INTEGER AS i FROM range(0, 6000) t(r)))
            TO '{file}' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)
            """);
        Assert.All(
            DuckDb.Query($"SELECT encodings FROM parquet_metadata('{file}') WHERE path_in_schema = 'Key'"),
            r => Assert.Contains("DICTIONARY", (string)r[0]!, StringComparison.Ordinal));
        var expected = DuckDb.Query($"SELECT Id, coalesce(Key, '<null>') FROM read_parquet('{file}') ORDER BY Id").Select(r => $"{r[0]}|{r[1]}").ToList();

        var flat = (await SourceRun.AllAsync(Sys, ParquetSource.For<FlatRow>(file))).Select(r => r.Value!).OrderBy(r => r.Id).ToList();
        Assert.NotNull(FlatRowReader<FlatRow>.TryCreate());
        Assert.Equal(expected, flat.Select(r => $"{r.Id}|{r.Key ?? "<null>"}"));
        AssertShared(flat.Select(r => r.Key));

        var nested = (await SourceRun.AllAsync(Sys, ParquetSource.For<NestedRow>(file))).Select(r => r.Value!).OrderBy(r => r.Id).ToList();
        Assert.Null(FlatRowReader<NestedRow>.TryCreate());
        Assert.Equal(expected, nested.Select(r => $"{r.Id}|{r.Key ?? "<null>"}"));

        var avro = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, (global::Avro.RecordSchema)global::Avro.Schema.Parse("""
            {"type":"record","name":"Row","fields":[{"name":"Id","type":"int"},{"name":"Key","type":["null","string"]}]}
            """)));
        Assert.Equal(expected, avro.Select(r => r.Value!).OrderBy(r => (int)r["Id"]).Select(r => $"{r["Id"]}|{r["Key"] ?? "<null>"}"));
        foreach (var rowGroup in avro.GroupBy(r => r.Origin))
        {
            AssertShared(rowGroup.Select(r => (string?)r.Value!["Key"])); // one string per entry within a row group
        }
    }

    /// <summary>
    /// Verify the lookup alone: rows holding one entry's characters get one string even past the limits at which a
    /// read of distinct values stops sharing them (here the source's table is full and the read has given up), while
    /// other slices of the same characters (another offset or length) read as their own values.
    /// </summary>
    [Fact]
    public void One_dictionary_entry_must_be_one_string_past_the_sharing_limits()
    {
        var shared = new SharedStrings();
        var fill = new DistinctStrings(shared);
        for (var i = 0; i < SharedStrings.Limit; i++)
        {
            fill.Get(("id-" + i).AsSpan());
        }

        var strings = new DistinctStrings(shared, dictionaryEncoded: true);
        for (var i = 0; i < 50; i++)
        {
            strings.Get(("new-" + i).AsMemory()); // new values only: the read stops looking values up
        }

        var entry = "dictionary-entry".ToCharArray();
        var first = strings.Get(entry.AsMemory());
        Assert.Equal("dictionary-entry", first);
        Assert.Same(first, strings.Get(entry.AsMemory()));
        Assert.Equal("entry", strings.Get(entry.AsMemory(11, 5)));
        Assert.Equal("dictionary", strings.Get(entry.AsMemory(0, 10)));
        Assert.Equal("", strings.Get(entry.AsMemory(3, 0)));
        Assert.Equal("dictionary-entry", strings.Get(entry.AsMemory()));

        var plain = new DistinctStrings(shared);
        Assert.NotSame(plain.Get(entry.AsMemory()), plain.Get(entry.AsMemory())); // without the dictionary hint, as before
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    private static void AssertShared(IEnumerable<string?> keys)
    {
        foreach (var key in keys.OfType<string>().GroupBy(k => k, StringComparer.Ordinal))
        {
            var first = key.First();
            Assert.All(key, k => Assert.Same(first, k));
        }
    }

    public sealed class FlatRow
    {
        public int Id { get; set; }

        public string? Key { get; set; }
    }

    public sealed class NestedRow
    {
        public int Id { get; set; }

        public string? Key { get; set; }

        public List<int>? Tags { get; set; }
    }
}
