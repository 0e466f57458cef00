using ActorFlow.Tests.Shared;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>
/// A UUID column's min/max statistics are written in the format's byte order (big-endian, compared as unsigned bytes),
/// as its values are: an engine that prunes row groups by them (Trino, Spark, Iceberg) keeps every row that matches.
/// Parquet.Net 6.1 wrote them in .NET's mixed-endian order.
/// </summary>
public sealed class UuidStatisticsSpec : IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-uuid-stats");

    /// <summary>
    /// Verify that every row group of a landed class (several row groups per file, so appended ones too) states the
    /// minimum and maximum UUID of its rows as DuckDB reads the statistics (required, optional and get-only members), and
    /// that the values read back unchanged.
    /// </summary>
    [Fact]
    public async Task A_classs_uuid_statistics_must_be_its_row_groups_min_and_max()
    {
        var records = Ids().Select((id, i) => new Tagged { Id = id, N = i, Maybe = i % 3 == 0 ? null : id }).ToList();
        await SinkFiles.LandAsync(ParquetSink.For<Tagged>(_lake.Path, new ParquetSinkOptions<Tagged> { RowGroupSize = 4 }), records);

        AssertStatistics("Id", records.Select(r => (Guid?)r.Id).ToList());
        AssertStatistics("Maybe", records.Select(r => r.Maybe).ToList());
        AssertStatistics("Twin", records.Select(r => (Guid?)r.Twin).ToList());
        var read = DuckDb.Query($"SELECT N, Id::VARCHAR, Maybe::VARCHAR FROM {DuckDb.Files(_lake.Path)} ORDER BY N");
        Assert.Equal(records.Select(r => $"{r.N}|{r.Id}|{r.Maybe}"), read.Select(r => $"{r[0]}|{r[1]}|{(r[2] is DBNull ? "" : r[2])}"));
    }

    /// <summary>Verify the same for an Avro record's uuid field.</summary>
    [Fact]
    public async Task An_avro_uuid_fields_statistics_must_be_its_row_groups_min_and_max()
    {
        var schema = (RecordSchema)Schema.Parse("""
            {"type":"record","name":"Tagged","fields":[{"name":"Id","type":{"type":"string","logicalType":"uuid"}},{"name":"N","type":"int"}]}
            """);
        var ids = Ids();
        var records = ids.Select((id, i) =>
        {
            var record = new GenericRecord(schema);
            record.Add("Id", id);
            record.Add("N", i);
            return record;
        }).ToList();
        await SinkFiles.LandAsync(ParquetSink.For<GenericRecord>(_lake.Path, new ParquetSinkOptions<GenericRecord> { RowGroupSize = 4 }), records);

        AssertStatistics("Id", ids.Select(id => (Guid?)id).ToList());
    }

    public void Dispose() => _lake.Dispose();

    /// <summary>UUIDs whose order differs between the format's byte order and .NET's byte order (first field's low byte).</summary>
    private static List<Guid> Ids() =>
    [
        .. new[] { 0x0000_0002, 0x0100_0000, 0x0000_0300, 0x7f00_0001, 0x0000_00ff, 0x00ff_0000, 0x1234_5678, 0x0000_0001, 0x0200_0000, 0x0003_0000, 0x0000_0004, 0x0500_0000 }
            .Select((a, i) => new Guid(a, (short)(i * 257), (short)(0x4000 | i), 0x80, (byte)i, 1, 2, 3, 4, 5, 6)),
    ];

    /// <summary>DuckDB's reading of each row group's statistics of <paramref name="column"/> equals the row groups' min and max.</summary>
    private void AssertStatistics(string column, List<Guid?> values)
    {
        var groups = DuckDb.Query($"""
            SELECT row_group_id, stats_min_value, stats_max_value, row_group_num_rows
            FROM parquet_metadata('{Assert.Single(SinkFiles.Final(_lake.Path))}') WHERE path_in_schema = '{column}' ORDER BY row_group_id
            """);
        Assert.Equal(3, groups.Count);
        var offset = 0;
        foreach (var group in groups)
        {
            var rows = Convert.ToInt32(group[3], System.Globalization.CultureInfo.InvariantCulture);
            var present = values.Skip(offset).Take(rows).OfType<Guid>().ToList();
            offset += rows;
            Assert.Equal((present.Min().ToString(), present.Max().ToString()), ((string)group[1]!, (string)group[2]!));
        }
    }

    public sealed class Tagged
    {
        public Guid Id { get; set; }

        public int N { get; set; }

        public Guid? Maybe { get; set; }

        /// <summary>A get-only member: the serializer writes it (and reads nothing into it).</summary>
        public Guid Twin => new(Id.ToByteArray(bigEndian: true), bigEndian: false);
    }
}
