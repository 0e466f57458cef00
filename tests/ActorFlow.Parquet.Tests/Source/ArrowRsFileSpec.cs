using System.Globalization;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// Files of arrow-rs's Parquet writer (the one behind Polars, DataFusion and delta-rs; Fixtures/make-arrow-rs.mjs wrote
/// them through parquet-wasm): with data pages V1 they read with DuckDB's values; what Parquet.Net 6.1 cannot read in
/// data pages V2 is refused naming the column, never read wrong.
/// </summary>
public sealed class ArrowRsFileSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    /// <summary>
    /// Verify that every top-level column of an arrow-rs file (dictionary-encoded integers, floats, strings with nulls,
    /// booleans, timestamps in milli-, micro- and nanoseconds with and without a time zone, dates) reads with DuckDB's
    /// values, a timestamp without a time zone as an unspecified wall-clock time and one with a zone as UTC; and that its
    /// list (elements named `item`, arrow's default) and struct read into a class and as Avro records.
    /// </summary>
    [Fact]
    public async Task An_arrow_rs_file_must_read_with_the_values_duckdb_reads()
    {
        var file = Path.Combine(Fixtures, "arrow-rs-v1.parquet");
        var expected = DuckDb.Query($"""
            SELECT id, big, f, d, s, b, epoch_us(tsms), epoch_us(tsus_utc), epoch_us(tsns), CAST(day AS VARCHAR) FROM read_parquet('{file}') ORDER BY id
            """).Select(r => string.Join('|', r.Select(v => v is null or DBNull ? "<null>" : Convert.ToString(v, CultureInfo.InvariantCulture)))).ToList();
        Assert.Equal(300, expected.Count);

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Flat>(file));

        Assert.NotNull(Internal.FlatRowReader<Flat>.TryCreate());
        Assert.Equal(expected, read.Select(r => r.Value!).OrderBy(r => r.id).Select(r => r.Text()));
        Assert.All(read, r => Assert.Equal(DateTimeKind.Unspecified, r.Value!.tsms.Kind));
        Assert.All(read, r => Assert.Equal(DateTimeKind.Unspecified, r.Value!.tsns!.Value.Kind));
        Assert.All(read, r => Assert.Equal(DateTimeKind.Utc, r.Value!.tsus_utc!.Value.Kind));

        var nested = DuckDb.Query($"SELECT id, CAST(li AS VARCHAR), st.name, st.v FROM read_parquet('{file}') ORDER BY id")
            .Select(r => string.Join('|', r.Select(v => v is null or DBNull ? "<null>" : Convert.ToString(v, CultureInfo.InvariantCulture)))).ToList();
        // Its list (elements named 'item', arrow's default: a null element, empty and null lists) and struct into a class.
        var classes = await SourceRun.AllAsync(Sys, ParquetSource.For<Nested>(file));
        Assert.Null(Internal.FlatRowReader<Nested>.TryCreate());
        Assert.Equal(nested, classes.Select(r => r.Value!).OrderBy(r => r.id).Select(r => string.Join('|', r.id,
            r.li is null ? "<null>" : "[" + string.Join(", ", r.li.Select(i => i?.ToString(CultureInfo.InvariantCulture) ?? "NULL")) + "]",
            r.st?.name ?? "<null>", r.st?.v?.ToString(CultureInfo.InvariantCulture) ?? "<null>")));

        // The same as Avro records.
        var records = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, (global::Avro.RecordSchema)global::Avro.Schema.Parse("""
            {"type":"record","name":"R","fields":[{"name":"id","type":"int"},{"name":"li","type":["null",{"type":"array","items":["null","int"]}]},
             {"name":"st","type":["null",{"type":"record","name":"S","fields":[{"name":"name","type":["null","string"]},{"name":"v","type":["null","long"]}]}]}]}
            """)));
        Assert.Equal(nested, records.Select(r => r.Value!).OrderBy(r => (int)r["id"]).Select(r => string.Join('|', r["id"],
            r["li"] is object[] or System.Collections.IEnumerable and not string ? "[" + string.Join(", ", ((System.Collections.IEnumerable)r["li"]).Cast<object?>().Select(i => i?.ToString() ?? "NULL")) + "]" : "<null>",
            (r["st"] as global::Avro.Generic.GenericRecord)?["name"] ?? "<null>", (r["st"] as global::Avro.Generic.GenericRecord)?["v"] ?? "<null>")));
    }

    /// <summary>
    /// Verify that in data pages V2 a BOOLEAN column (RLE-encoded there, which Parquet.Net 6.1 reads as all false) fails
    /// the file naming the column, that the file's other top-level columns read, and that a list column (whose V2 pages
    /// Parquet.Net 6.1 does not implement) fails with a message that says so.
    /// </summary>
    [Fact]
    public async Task What_parquet_net_cannot_read_in_data_pages_v2_must_be_refused_not_read_wrong()
    {
        var file = Path.Combine(Fixtures, "arrow-rs-v2.parquet");

        var booleans = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Flat>(file)));
        Assert.Contains(file, booleans.Message, StringComparison.Ordinal);
        Assert.Contains("column 'b' holds BOOLEAN values in the RLE encoding (data pages V2), which Parquet.Net 6.1 reads as false", booleans.Message, StringComparison.Ordinal);

        var avro = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, (global::Avro.RecordSchema)global::Avro.Schema.Parse(
            """{"type":"record","name":"R","fields":[{"name":"id","type":["null","int"]},{"name":"b","type":["null","boolean"]}]}"""))));
        Assert.Contains("column 'b' holds BOOLEAN values in the RLE encoding", avro.Message, StringComparison.Ordinal);

        var expected = DuckDb.Query($"SELECT id, s, epoch_us(tsms) FROM read_parquet('{file}') ORDER BY id")
            .Select(r => string.Join('|', r.Select(v => v is null or DBNull ? "<null>" : Convert.ToString(v, CultureInfo.InvariantCulture)))).ToList();
        var others = await SourceRun.AllAsync(Sys, ParquetSource.For<NoBoolean>(file));
        Assert.Equal(expected, others.Select(r => r.Value!).OrderBy(r => r.id).Select(r => r.Text()));

        var lists = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, (global::Avro.RecordSchema)global::Avro.Schema.Parse(
            """{"type":"record","name":"R","fields":[{"name":"id","type":["null","int"]},{"name":"li","type":["null",{"type":"array","items":["null","int"]}]}]}"""))));
        Assert.Contains(file, lists.Message, StringComparison.Ordinal);
        Assert.Contains("Parquet.Net 6.1 does not implement reading what the file holds", lists.Message, StringComparison.Ordinal);
    }

#pragma warning disable SA1300, IDE1006 // the file's column names
    public sealed class Flat
    {
        public int id { get; set; }

        public long big { get; set; }

        public float f { get; set; }

        public double? d { get; set; }

        public string? s { get; set; }

        public bool b { get; set; }

        public DateTime tsms { get; set; }

        public DateTime? tsus_utc { get; set; }

        public DateTime? tsns { get; set; }

        public DateOnly day { get; set; }

        public string Text() => string.Join('|', id, big, f.ToString(CultureInfo.InvariantCulture), d?.ToString("R", CultureInfo.InvariantCulture) ?? "<null>", s ?? "<null>", b,
            Micros(tsms), Micros(tsus_utc!.Value), Micros(tsns!.Value), day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

        private static long Micros(DateTime t) => (t.Ticks - DateTime.UnixEpoch.Ticks) / 10;
    }

    public sealed class Inner
    {
        public string? name { get; set; }

        public long? v { get; set; }
    }

    public sealed class Nested
    {
        public int id { get; set; }

        public List<int?>? li { get; set; }

        public Inner? st { get; set; }
    }

    public sealed class NoBoolean
    {
        public int id { get; set; }

        public string? s { get; set; }

        public DateTime tsms { get; set; }

        public string Text() => string.Join('|', id, s ?? "<null>", (tsms.Ticks - DateTime.UnixEpoch.Ticks) / 10);
    }
#pragma warning restore SA1300, IDE1006
}
