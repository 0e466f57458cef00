using ActorFlow.Parquet.Tests.Source;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>A partition value taken from a field is written as Hive and Spark write it, so readers infer its type.</summary>
public sealed class PartitionValueFormatSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-partition-format");

    /// <summary>
    /// Verify that a DateOnly, a bool and a DateTime partition by field become <c>day=2026-11-25</c>, <c>flag=true</c> and
    /// <c>at=2026-11-25 13%3A05%3A00</c> (they were <c>day=11%2F25%2F2026</c>, <c>flag=True</c> and a month-first date
    /// and time), that DuckDB reads the date as a DATE and the boolean as one, and that the source reads all three back
    /// into members of their types.
    /// </summary>
    [Fact]
    public async Task Dates_times_and_booleans_must_be_written_as_Hive_writes_them()
    {
        var at = new DateTime(2026, 11, 25, 13, 5, 0, DateTimeKind.Utc);
        var partitionBy = ParquetPartitioning.ByField<Landed>("day", r => r.EventDay)
            .Then(ParquetPartitioning.ByField<Landed>("flag", r => r.Flagged))
            .Then(ParquetPartitioning.ByField<Landed>("at", r => r.EventAt));
        await SinkFiles.LandAsync(ParquetSink.For(_lake.Path, new ParquetSinkOptions<Landed> { PartitionBy = partitionBy }), [
            new Landed { Id = 1, EventDay = new DateOnly(2026, 11, 25), Flagged = true, EventAt = at }]);

        var file = Directory.GetFiles(_lake.Path, "*.parquet", SearchOption.AllDirectories).Single();
        Assert.Equal(Path.Combine(_lake.Path, "day=2026-11-25", "flag=true", "at=2026-11-25 13%3A05%3A00"), Path.GetDirectoryName(file));
        var from = DuckDb.Files(_lake.Path);
        Assert.Equal("DATE", DuckDb.Types(from)["day"]); // DuckDB infers dates, timestamps and integers only
        Assert.Equal(1L, DuckDb.Scalar($"SELECT count(*) FROM {from} WHERE day = DATE '2026-11-25' AND flag::BOOLEAN"));

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Partitioned>(_lake.Path));
        var row = Assert.Single(read).Value!;
        Assert.Equal((new DateOnly(2026, 11, 25), true, at), (row.day, row.flag, row.at));
    }

    void IDisposable.Dispose()
    {
        _lake.Dispose();
        Dispose();
    }

    public sealed class Landed
    {
        public long Id { get; set; }

        public DateOnly EventDay { get; set; }

        public bool Flagged { get; set; }

        public DateTime EventAt { get; set; }
    }

#pragma warning disable SA1300, IDE1006 // the partition columns' names
    public sealed class Partitioned
    {
        public long Id { get; set; }

        public DateOnly day { get; set; }

        public bool flag { get; set; }

        public DateTime at { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}
