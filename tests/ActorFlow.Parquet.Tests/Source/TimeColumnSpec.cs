using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>A TIME column, as DuckDB (or pyarrow, Spark) writes it, reads into a <see cref="TimeOnly"/> member as that time of day.</summary>
public sealed class TimeColumnSpec : Akka.TestKit.Xunit2.TestKit, IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-time");

    /// <summary>
    /// Verify that DuckDB's TIME values (microseconds since midnight, nulls included) read into a <c>TimeOnly?</c>
    /// member as DuckDB shows them (Parquet.Net 6.1's serializer took the microseconds for ticks: 10:00:01.5 read as
    /// 01:00:00.15), into a <c>long</c> member as the raw microseconds, and that a class with nested members (assembled
    /// from the columns' levels) reads the same times.
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

        var nested = await SourceRun.AllAsync(Sys, ParquetSource.For<NestedOpening>(_lake.Path));
        Assert.Equal(expected, nested.Select(r => r.Value!).OrderBy(o => o.Id).Select(o => $"{o.Id}:{o.Opens?.ToString("HH:mm:ss.f", System.Globalization.CultureInfo.InvariantCulture) ?? "<null>"}"));
    }

    /// <summary>
    /// Verify that TIME values of every unit (DuckDB's microseconds; milliseconds and nanoseconds as Parquet.Net writes
    /// them) read into <see cref="TimeOnly"/> members of a class with a struct and a list of times, by the column's unit.
    /// </summary>
    [Fact]
    public async Task Time_columns_of_every_unit_must_read_in_nested_members()
    {
        DuckDb.Query($$"""
            COPY (SELECT i AS Id, {'At': TIME '10:00:01.5' + INTERVAL (i) MINUTE} AS Slot,
                         [TIME '23:59:59.999999', NULL, TIME '00:00:00'] AS Days
                  FROM range(0, 2) t(i)) TO '{{_lake.Path}}/nested.parquet' (FORMAT PARQUET)
            """);
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<NestedTimes>($"{_lake.Path}/nested.parquet"));
        Assert.Equal(
            ["0|10:00:01.5000000|23:59:59.9999990,null,00:00:00.0000000", "1|10:01:01.5000000|23:59:59.9999990,null,00:00:00.0000000"],
            read.Select(r => r.Value!).OrderBy(t => t.Id).Select(t => $"{t.Id}|{Text(t.Slot!.At)}|{string.Join(',', t.Days!.Select(Text))}"));

        // Milliseconds and nanoseconds, as Parquet.Net writes a TIME column of those units.
        var units = new global::Parquet.Schema.ParquetSchema(
            new global::Parquet.Schema.DataField<long>("Id"),
            new global::Parquet.Schema.StructField("Slot", new global::Parquet.Schema.TimeDataField("At", global::Parquet.Schema.TimeUnitPrecision.Millis, isNullable: true)),
            new global::Parquet.Schema.ListField("Days", new global::Parquet.Schema.TimeDataField("element", global::Parquet.Schema.TimeUnitPrecision.Nanos, isNullable: true)));
        Assert.Equal(typeof(int), units.DataFields[1].ClrType);
        var file = $"{_lake.Path}/units/u.parquet";
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using (var stream = File.Create(file))
        await using (var writer = await global::Parquet.ParquetWriter.CreateAsync(units, stream))
        using (var group = writer.CreateRowGroup())
        {
            await group.WriteAsync<long>(units.DataFields[0], new long[] { 7 }.AsMemory());
            await group.WriteAsync<int>(units.DataFields[1], new int?[] { 36_001_500 }.AsMemory());
            await group.WriteAsync<long>(units.DataFields[2], new long?[] { 86_399_999_999_900, 1_000 }.AsMemory(), new int[] { 0, 1 }.AsMemory());
            group.CompleteValidate();
        }

        var written = Assert.Single(await SourceRun.AllAsync(Sys, ParquetSource.For<NestedTimes>(Path.GetDirectoryName(file)!))).Value!;
        Assert.Equal("10:00:01.5000000|23:59:59.9999999,00:00:00.0000010", $"{Text(written.Slot!.At)}|{string.Join(',', written.Days!.Select(Text))}");

        static string Text(TimeOnly? t) => t?.ToString("HH:mm:ss.fffffff", System.Globalization.CultureInfo.InvariantCulture) ?? "null";
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

    public sealed class NestedTimes
    {
        public long? Id { get; set; }

        public Slot? Slot { get; set; }

        public List<TimeOnly?>? Days { get; set; }
    }

    public sealed class Slot
    {
        public TimeOnly? At { get; set; }
    }

    public sealed class NestedOpening
    {
        public long? Id { get; set; }

        public TimeOnly? Opens { get; set; }

        public List<int?>? Days { get; set; }
    }
}
