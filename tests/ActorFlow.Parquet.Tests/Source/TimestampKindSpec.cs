using System.Globalization;
using ActorFlow.Tests.Shared;
using global::Parquet.Serialization;
using global::Parquet.Serialization.Attributes;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// A TIMESTAMP reads into a <see cref="DateTime"/> of the kind its column says: <see cref="DateTimeKind.Utc"/> when
/// adjusted to UTC, <see cref="DateTimeKind.Unspecified"/> (a wall-clock time) when not, in classes with nested members.
/// </summary>
public sealed class TimestampKindSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-timestamp-kind");

    /// <summary>
    /// Verify that DuckDB's TIMESTAMP and TIMESTAMPTZ (top-level, in a struct, in a list) and a TIMESTAMP not adjusted
    /// to UTC (as Parquet.Net writes one with <c>isAdjustedToUTC: false</c>; pyarrow and Spark's TIMESTAMP_NTZ do too)
    /// read with the wall clock DuckDB shows, of kind Utc when the column is adjusted to UTC and Unspecified when not
    /// (Parquet.Net 6.1 gives such a value kind Local, which <see cref="DateTime.ToUniversalTime"/> would then shift).
    /// </summary>
    [Fact]
    public async Task A_timestamp_must_read_with_the_kind_its_column_says()
    {
        Directory.CreateDirectory($"{_lake.Path}/duck");
        DuckDb.Query($$"""
            COPY (SELECT 1 AS id, TIMESTAMP '2026-03-04 05:06:07.123456' AS ts, TIMESTAMPTZ '2026-03-04 05:06:07.654321+00' AS tstz,
                         {'at': TIMESTAMP '2026-03-04 05:06:07'} AS st, [TIMESTAMPTZ '2026-03-04 05:06:07+00', NULL] AS list)
                  TO '{{_lake.Path}}/duck/d.parquet' (FORMAT PARQUET)
            """);
        var adjusted = DuckDb.Query($"SELECT name, logical_type FROM parquet_schema('{_lake.Path}/duck/d.parquet') WHERE name IN ('ts', 'tstz')")
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!);
        var duck = Assert.Single(await SourceRun.AllAsync(Sys, ParquetSource.For<Duck>($"{_lake.Path}/duck"))).Value!;
        Assert.Equal("2026-03-04 05:06:07.1234560|2026-03-04 05:06:07.6543210|2026-03-04 05:06:07.0000000|2026-03-04 05:06:07.0000000", string.Join('|', new[] { duck.ts, duck.tstz, duck.st!.at, duck.list![0] }.Select(Text)));
        Assert.Null(duck.list[1]);
        Assert.Equal(DateTimeKind.Utc, duck.tstz!.Value.Kind);
        Assert.Equal(DateTimeKind.Utc, duck.list[0]!.Value.Kind);
        Assert.Contains("isAdjustedToUTC=0", adjusted["ts"], StringComparison.Ordinal);
        Assert.Contains("isAdjustedToUTC=1", adjusted["tstz"], StringComparison.Ordinal);
        Assert.Equal(DateTimeKind.Unspecified, duck.ts!.Value.Kind);
        Assert.Equal(DateTimeKind.Unspecified, duck.st.at!.Value.Kind);

        Directory.CreateDirectory($"{_lake.Path}/wall");
        await ParquetSerializer.SerializeAsync([new Wall { Id = 1, Local = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Unspecified), Utc = new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc), Tags = ["a"] }], $"{_lake.Path}/wall/w.parquet");
        Assert.Equal("isAdjustedToUTC=0", Flag(DuckDb.Query($"SELECT logical_type FROM parquet_schema('{_lake.Path}/wall/w.parquet') WHERE name = 'Local'").Single()[0]));
        Assert.Equal("2026-03-04 05:06:07", DuckDb.Scalar($"SELECT strftime(\"Local\", '%Y-%m-%d %H:%M:%S') FROM '{_lake.Path}/wall/w.parquet'"));
        var wall = Assert.Single(await SourceRun.AllAsync(Sys, ParquetSource.For<Wall>($"{_lake.Path}/wall"))).Value!;
        Assert.Equal("2026-03-04 05:06:07.0000000|2026-03-04 05:06:07.0000000", $"{Text(wall.Local)}|{Text(wall.Utc)}");
        Assert.Equal(DateTimeKind.Unspecified, wall.Local.Kind);
        Assert.Equal(DateTimeKind.Utc, wall.Utc.Kind);

        static string Flag(object? logicalType) => ((string)logicalType!).Contains("isAdjustedToUTC=0", StringComparison.Ordinal) ? "isAdjustedToUTC=0" : (string)logicalType!;
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    private static string Text(DateTime? t) => t?.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture) ?? "null";

#pragma warning disable SA1300, IDE1006, SA1516 // DuckDB's column names
    public sealed class Duck
    {
        public int? id { get; set; }
        public DateTime? ts { get; set; }
        public DateTime? tstz { get; set; }
        public Stamped? st { get; set; }
        public List<DateTime?>? list { get; set; }
    }

    public sealed class Stamped
    {
        public DateTime? at { get; set; }
    }
#pragma warning restore SA1300, IDE1006, SA1516

    public sealed class Wall
    {
        public int Id { get; set; }

        [ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true, isAdjustedToUTC: false)]
        public DateTime Local { get; set; }

        [ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true)]
        public DateTime Utc { get; set; }

        public List<string>? Tags { get; set; }
    }
}
