using System.Globalization;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>A C# record of every common member type lands with the DuckDB types and values a user expects.</summary>
public sealed class ClrLandingSpec : IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-clr");

    /// <summary>
    /// Verify the DuckDB type of each member (integers by width, FLOAT/DOUBLE, DECIMAL(38,18), VARCHAR, BLOB, DATE, a
    /// DateTime as a TIMESTAMP of its UTC instant, UUID, lists, a struct and a map) and that DuckDB reads back the
    /// values landed: nulls, empty and non-ASCII strings, microseconds of a timestamp, nested values.
    /// </summary>
    [Fact]
    public async Task A_clr_record_must_land_with_the_types_and_values_a_reader_expects()
    {
        var records = Enumerable.Range(0, 3).Select(Row.Of).ToList();
        await SinkFiles.LandAsync(ParquetSink.For<Row>(_lake.Path, new ParquetSinkOptions<Row> { Compression = ParquetCompression.Gzip }), records);

        var from = DuckDb.Files(_lake.Path);
        var types = DuckDb.Types(from);
        Assert.Equal(
            ["BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "FLOAT", "DOUBLE", "DECIMAL(38,18)", "VARCHAR", "BLOB", "DATE", "TIMESTAMP", "UUID", "INTEGER", "INTEGER[]", "BIGINT[]", "STRUCT(\"Name\" VARCHAR, Score DOUBLE)", "MAP(VARCHAR, BIGINT)"],
            new[] { "Flag", "Tiny", "Small", "Int", "Long", "Float", "Double", "Money", "Text", "Bytes", "Day", "At", "Key", "Maybe", "Ints", "Longs", "Inner", "Counts" }.Select(c => types[c]));

        var rows = DuckDb.Query($"""
            SELECT Flag, Tiny, Small, Int, Long, Float, Double, CAST(Money AS VARCHAR), Text, hex(Bytes), CAST("Day" AS VARCHAR), epoch_us("At"), CAST("Key" AS VARCHAR),
                   Maybe, CAST(Ints AS VARCHAR), CAST(Longs AS VARCHAR), "Inner".Name, "Inner".Score, Counts['a']
            FROM {from} ORDER BY Int
            """);
        Assert.Equal(3, rows.Count);
        Assert.Equal([true, (sbyte)-1, (short)-300, 0, 1L << 40, 0.5f, 1.0 / 3, "-12.345000000000000000", null, null, "2026-12-01", 1_795_000_000_123_456L, "00000000-0001-0002-0304-050607080900", null, "[0, 1]", "[]", "inner-0", 0.0, 0L], rows[0]);
        Assert.Equal([false, (sbyte)0, (short)-299, 1, (1L << 40) + 1, 1.5f, 2.0 / 3, "-11.095000000000000000", "", "0100", "2026-12-02", 1_795_000_001_123_456L, "00000001-0001-0002-0304-050607080900", 1, "[1, 2]", "[1]", "inner-1", 0.5, 1L], rows[1]);
        Assert.Equal("clé-ü-✓", rows[2][8]);
        Assert.Null(rows[2][16]);
    }

    public void Dispose() => _lake.Dispose();

    public sealed record Inner(string Name, double Score);

    public sealed class Row
    {
        public bool Flag { get; set; }

        public sbyte Tiny { get; set; }

        public short Small { get; set; }

        public int Int { get; set; }

        public long Long { get; set; }

        public float Float { get; set; }

        public double Double { get; set; }

        public decimal Money { get; set; }

        public string? Text { get; set; }

        public byte[]? Bytes { get; set; }

        public DateOnly Day { get; set; }

        public DateTime At { get; set; }

        public Guid Key { get; set; }

        public int? Maybe { get; set; }

        public List<int>? Ints { get; set; }

        public long[]? Longs { get; set; }

        public Inner? Inner { get; set; }

        public Dictionary<string, long>? Counts { get; set; }

        public static Row Of(int i) => new()
        {
            Flag = i % 2 == 0,
            Tiny = (sbyte)(i - 1),
            Small = (short)(i - 300),
            Int = i,
            Long = (1L << 40) + i,
            Float = i + 0.5f,
            Double = (i + 1) / 3.0,
            Money = -12.345m + (i * 1.25m),
            Text = i switch { 0 => null, 1 => "", _ => "clé-ü-✓" },
            Bytes = i == 0 ? null : [(byte)i, 0],
            Day = new DateOnly(2026, 12, 1).AddDays(i),
            At = DateTimeOffset.FromUnixTimeMilliseconds(1_795_000_000_123L + (i * 1000)).UtcDateTime.AddTicks(4_560),
            Key = new Guid(i, 1, 2, [3, 4, 5, 6, 7, 8, 9, 0]),
            Maybe = i == 1 ? 1 : null,
            Ints = [i, i + 1],
            Longs = [.. Enumerable.Range(1, i).Select(n => (long)n)],
            Inner = i == 2 ? null : new Inner("inner-" + i.ToString(CultureInfo.InvariantCulture), i / 2.0),
            Counts = new Dictionary<string, long> { ["a"] = i },
        };
    }
}
