using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>A TIME column, as DuckDB (or pyarrow, Spark) writes it, reads into a <see cref="TimeOnly"/> member as that time of day.</summary>
public sealed class TimeColumnSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-time");

    /// <summary>
    /// Verify that DuckDB's TIME values (microseconds since midnight, nulls included) read into a <c>TimeOnly?</c>
    /// member as DuckDB shows them (Parquet.Net 6.1's serializer took the microseconds for ticks: 10:00:01.5 read as
    /// 01:00:00.15), into a <c>long</c> member as the raw microseconds, and that a class with nested members (read by
    /// that serializer) and a <see cref="TimeOnly"/> member is refused naming the member.
    /// </summary>
    [Fact]
    public async Task A_time_column_must_read_into_a_time_only_member_as_its_time_of_day()
    {
        DuckDb.Query($"""
            COPY (SELECT i AS Id, CASE WHEN i = 1 THEN NULL ELSE TIME '10:00:01.5' + INTERVAL (i) MINUTE END AS Opens
                  FROM range(0, 3) t(i)) TO '{_lake.Path}/times.parquet' (FORMAT PARQUET)
            """);
        var expected = DuckDb.Query($"SELECT Id, CAST(Opens AS VARCHAR) FROM '{_lake.Path}/times.parquet' ORDER BY Id")
            .Select(r => $"{r[0]}:{r[1] ?? "<null>"}");

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Opening>(_lake.Path));
        Assert.Equal(expected, read.Select(r => r.Value!).OrderBy(o => o.Id).Select(o => $"{o.Id}:{o.Opens?.ToString("HH:mm:ss.f", System.Globalization.CultureInfo.InvariantCulture) ?? "<null>"}"));
        Assert.Equal(["0:10:00:01.5", "1:<null>", "2:10:02:01.5"], expected);

        var raw = await SourceRun.AllAsync(Sys, ParquetSource.For<OpeningMicros>(_lake.Path));
        Assert.Equal(36_001_500_000L, raw.Single(r => r.Value!.Id == 0).Value!.Opens);

        var nested = Assert.Throws<NotSupportedException>(() => ParquetSource.For<NestedOpening>(_lake.Path));
        Assert.Contains("member 'Opens' is a TimeOnly", nested.Message, StringComparison.Ordinal);
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    public sealed class Opening
    {
        public long? Id { get; set; }

        public TimeOnly? Opens { get; set; }
    }

    public sealed class OpeningMicros
    {
        public long? Id { get; set; }

        public long? Opens { get; set; }
    }

    public sealed class NestedOpening
    {
        public TimeOnly? Opens { get; set; }

        public List<int?>? Days { get; set; }
    }
}
