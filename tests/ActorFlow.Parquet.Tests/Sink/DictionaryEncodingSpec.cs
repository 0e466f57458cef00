using System.Globalization;
using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>
/// String columns land dictionary-encoded, as parquet-mr, Arrow and DuckDB write them by default (Parquet.Net 6.1
/// writes every column plain unless asked): a column of few distinct values gets a dictionary page per row group, a
/// column of distinct values stays plain, and both read back whole with their statistics.
/// </summary>
public sealed class DictionaryEncodingSpec : IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-dictionary");

    /// <summary>
    /// Verify that a landed class's repeating string columns (required, optional with nulls, list items and a struct's
    /// member) are dictionary-encoded in every row group, appended ones included, that a column of distinct strings is
    /// not, and that DuckDB reads every value and each row group's min and max as written.
    /// </summary>
    [Fact]
    public async Task Repeating_string_columns_must_land_dictionary_encoded()
    {
        var records = Rows(3_000);
        await SinkFiles.LandAsync(ParquetSink.For<Tagged>(_lake.Path, new ParquetSinkOptions<Tagged> { RowGroupSize = 1_000 }), records);

        var file = Assert.Single(SinkFiles.Final(_lake.Path));
        foreach (var column in new[] { "Country", "Note", "Tags, list, element", "Place, City" })
        {
            var encodings = Encodings(file, column);
            Assert.Equal(3, encodings.Count);
            Assert.All(encodings, e => Assert.Contains("DICTIONARY", e, StringComparison.Ordinal));
        }

        Assert.All(Encodings(file, "Id"), e => Assert.DoesNotContain("DICTIONARY", e, StringComparison.Ordinal));
        var bounds = DuckDb.Query($"SELECT stats_min_value, stats_max_value FROM parquet_metadata('{file}') WHERE path_in_schema = 'Country' ORDER BY row_group_id");
        Assert.Equal(
            records.Chunk(1_000).Select(g => $"{g.Select(r => r.Country).Min(StringComparer.Ordinal)}|{g.Select(r => r.Country).Max(StringComparer.Ordinal)}"),
            bounds.Select(b => $"{b[0]}|{b[1]}"));
        var read = DuckDb.Query($"SELECT N, Country, Id, Note, array_to_string(Tags, ','), Place.City FROM {DuckDb.Files(_lake.Path)} ORDER BY N");
        Assert.Equal(records.Select(Text), read.Select(r => string.Join('|', r.Select(v => v?.ToString() ?? "null"))));
    }

    /// <summary>Verify that the option off writes every string column plain.</summary>
    [Fact]
    public async Task With_dictionaries_off_string_columns_must_land_plain()
    {
        await SinkFiles.LandAsync(ParquetSink.For<Tagged>(_lake.Path, new ParquetSinkOptions<Tagged> { RowGroupSize = 1_000, DictionaryEncoding = false }), Rows(2_000));

        var file = Assert.Single(SinkFiles.Final(_lake.Path));
        Assert.All(Encodings(file, "Country"), e => Assert.DoesNotContain("DICTIONARY", e, StringComparison.Ordinal));
    }

    /// <summary>Verify the same for an Avro record's string field.</summary>
    [Fact]
    public async Task An_avro_records_repeating_string_field_must_land_dictionary_encoded()
    {
        var schema = (RecordSchema)Schema.Parse("""
            {"type":"record","name":"Visit","fields":[{"name":"Country","type":"string"},{"name":"N","type":"int"}]}
            """);
        var records = Enumerable.Range(0, 1_500).Select(i =>
        {
            var record = new GenericRecord(schema);
            record.Add("Country", Countries[i % Countries.Length]);
            record.Add("N", i);
            return record;
        }).ToList();
        await SinkFiles.LandAsync(ParquetSink.For<GenericRecord>(_lake.Path, new ParquetSinkOptions<GenericRecord> { RowGroupSize = 500 }), records);

        var file = Assert.Single(SinkFiles.Final(_lake.Path));
        var encodings = Encodings(file, "Country");
        Assert.Equal(3, encodings.Count);
        Assert.All(encodings, e => Assert.Contains("DICTIONARY", e, StringComparison.Ordinal));
        var read = DuckDb.Query($"SELECT N, Country FROM {DuckDb.Files(_lake.Path)} ORDER BY N");
        Assert.Equal(records.Select(r => $"{r["N"]}|{r["Country"]}"), read.Select(r => $"{r[0]}|{r[1]}"));
    }

    public void Dispose() => _lake.Dispose();

    private static readonly string[] Countries = ["NL", "DE", "FR", "BE", "LU", "AT", "CH"];

    private static List<Tagged> Rows(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => new Tagged
        {
            N = i,
            Country = Countries[(i * 7 + i / 100) % Countries.Length],
            Id = $"id-{i:D6}",
            Note = i % 3 == 0 ? null : (i % 2 == 0 ? "even" : "odd"),
            Tags = i % 5 == 0 ? [] : ["a", Countries[i % Countries.Length]],
            Place = new Place { City = i % 2 == 0 ? "Utrecht" : "Gent" },
        }),
    ];

    private static string Text(Tagged r) =>
        string.Join('|', r.N.ToString(CultureInfo.InvariantCulture), r.Country, r.Id, r.Note ?? "null", string.Join(',', r.Tags), r.Place.City);

    /// <summary>Each row group's encodings of <paramref name="column"/> (its path as DuckDB writes it), as DuckDB reads them.</summary>
    private static List<string> Encodings(string file, string column) =>
    [
        .. DuckDb.Query($"SELECT encodings FROM parquet_metadata('{file}') WHERE path_in_schema = '{column}' ORDER BY row_group_id").Select(r => (string)r[0]!),
    ];

    public sealed class Tagged
    {
        public int N { get; set; }

        public string Country { get; set; } = "";

        public string Id { get; set; } = "";

        public string? Note { get; set; }

        public List<string> Tags { get; set; } = [];

        public Place Place { get; set; } = new();
    }

    public sealed class Place
    {
        public string City { get; set; } = "";
    }
}
