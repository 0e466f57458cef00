using System.Globalization;
using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// A C# positional record (no parameterless constructor) reads through its constructor: each parameter takes the
/// column of its member's name, as the sink lands such a record.
/// </summary>
public sealed class PositionalRecordSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-record");

    /// <summary>
    /// Verify that positional records landed by <see cref="ParquetSink"/> read back equal to what was landed (record
    /// equality), a property outside the constructor included.
    /// </summary>
    [Fact]
    public async Task Records_landed_by_the_sink_must_read_back_equal()
    {
        var trades = Enumerable.Range(0, 50).Select(i => new Trade(i, "S" + (i % 7), i * 0.25m, new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc).AddSeconds(i), i % 3 == 0 ? null : i) { Note = "n" + i }).ToList();
        await Sink.SinkFiles.LandAsync(ParquetSink.For<Trade>(_lake.Path), trades);

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Trade>(_lake.Path));

        Assert.Equal(trades, read.Select(r => r.Value!).OrderBy(t => t.Id));
    }

    /// <summary>
    /// Verify that a record reads DuckDB's columns by name ignoring case, that a parameter whose column the file lacks
    /// takes its default value, and that a Hive directory fills a parameter the file has no column for.
    /// </summary>
    [Fact]
    public async Task A_record_must_read_other_files_with_defaults_and_partition_columns()
    {
        Directory.CreateDirectory($"{_lake.Path}/dt=2026-11-25");
        DuckDb.Query($"COPY (SELECT i AS id, 'k' || i AS symbol FROM range(0, 3) t(i)) TO '{_lake.Path}/dt=2026-11-25/a.parquet' (FORMAT PARQUET)");

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Keyed>(_lake.Path));

        Assert.Equal(["0|k0|7|2026-11-25", "1|k1|7|2026-11-25", "2|k2|7|2026-11-25"], read.Select(r => r.Value!).OrderBy(k => k.Id).Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Id}|{k.Symbol}|{k.Weight}|{k.Dt}")));
    }

    /// <summary>Verify that a record with a nested member (which only Parquet.Net's serializer reads, and it needs a parameterless constructor) fails when the source is made, saying why.</summary>
    [Fact]
    public void A_record_with_nested_members_must_be_refused_when_the_source_is_made()
    {
        var e = Assert.Throws<NotSupportedException>(() => ParquetSource.For<Nested>(_lake.Path));

        Assert.Contains("a class without a parameterless constructor (a positional record) reads only column by column: its columns all top-level", e.Message, StringComparison.Ordinal);
    }

    public new void Dispose()
    {
        _lake.Dispose();
        base.Dispose();
    }

    public sealed record Trade(long Id, string Symbol, decimal Price, DateTime Time, int? Quantity)
    {
        public string? Note { get; init; }
    }

    public sealed record Keyed(long Id, string Symbol, string? Dt, int Weight = 7);

    public sealed record Nested(long Id, List<int> Items);
}
