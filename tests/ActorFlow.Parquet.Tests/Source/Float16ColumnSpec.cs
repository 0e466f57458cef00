using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// FLOAT16 columns (half-precision floats, as Arrow and pyarrow write <c>float16</c>) read with DuckDB's values into a
/// class's <c>float</c> member and an Avro <c>float</c> or <c>double</c>, on both class read paths, and prune row groups
/// by their statistics. Parquet.Net 6.1 failed the whole file ("type System.Half is not supported"), whatever columns
/// were read. Fixtures of parquet-testing, as Arrow's tests read them.
/// </summary>
public sealed class Float16ColumnSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly string NonZeros = Path.Combine(OtherWriters.Fixtures, "float16_nonzeros_and_nans.parquet");

    /// <summary>Verify that the values (a null, NaN, negative zero) are DuckDB's, read into a class and as Avro records.</summary>
    [Fact]
    public async Task A_float16_column_must_read_with_DuckDB_values()
    {
        var expected = DuckDb.Query($"SELECT x FROM read_parquet('{NonZeros}')").Select(r => Text((float?)r[0])).ToList();

        var flat = await SourceRun.AllAsync(Sys, ParquetSource.For<Row>(NonZeros));
        var positional = await SourceRun.AllAsync(Sys, ParquetSource.For<Positional>(NonZeros));
        var assembled = await SourceRun.AllAsync(Sys, ParquetSource.For<WithList>(NonZeros)); // a list member: the level assembler
        var avro = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(NonZeros, (RecordSchema)Schema.Parse("""
            {"type":"record","name":"R","fields":[{"name":"x","type":["null","double"]}]}
            """)));

        Assert.Equal(["NULL", "1", "-2", "NaN", "0", "-1", "-0", "2"], expected);
        Assert.Equal(expected, flat.Select(r => Text(r.Value!.x)));
        Assert.Equal(expected, positional.Select(r => Text(r.Value!.X)));
        Assert.Equal(expected, assembled.Select(r => Text(r.Value!.x)));
        Assert.Equal(expected, avro.Select(r => Text((float?)(double?)r.Value!["x"])));
    }

    /// <summary>Verify that a range on the column prunes the row group its statistics (-2 to 2) rule out, and reads it otherwise.</summary>
    [Fact]
    public async Task A_float16_column_must_prune_by_its_statistics()
    {
        var beyond = ParquetSource.For(NonZeros, new ParquetSourceOptions<Row> { RowGroupFilters = [new ColumnRange("x", 3f, null)] });
        var within = ParquetSource.For(NonZeros, new ParquetSourceOptions<Row> { RowGroupFilters = [new ColumnRange("x", 1.5f, null)] });

        Assert.Empty(await SourceRun.AllAsync(Sys, beyond));
        Assert.Equal(1, beyond.Metrics.RowGroupsSkipped);
        Assert.Equal(8, (await SourceRun.AllAsync(Sys, within)).Count);
    }

    /// <summary>Verify that another member type is refused naming the column as FLOAT16.</summary>
    [Fact]
    public async Task Another_member_type_must_be_refused_naming_FLOAT16()
    {
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<AsDouble>(NonZeros)));

        Assert.Contains("column 'x' is FLOAT16", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that a FLOAT16 column inside a struct is marked by its path as Parquet.Net writes paths (a/b), not only a
    /// top-level one (the schema elements of a DuckDB file are made FLOAT16 in memory: no writer here makes one nested).
    /// </summary>
    [Fact]
    public async Task A_nested_float16_column_must_be_marked()
    {
        using var lake = new ActorFlow.Tests.Shared.TempDirectory("actorflow-parquet-float16");
        var file = Path.Combine(lake.Path, "nested.parquet");
        DuckDb.Query($"COPY (SELECT 1::INTEGER AS x, {{'h': 2::INTEGER}} AS s) TO '{file}' (FORMAT PARQUET)");
        await using var reader = await global::Parquet.ParquetReader.CreateAsync(file);
        foreach (var element in reader.Metadata!.Schema.Where(e => e.Name is "x" or "h"))
        {
            element.Type = global::Parquet.Meta.Type.FIXED_LEN_BYTE_ARRAY;
            element.TypeLength = 2;
            element.LogicalType = new global::Parquet.Meta.LogicalType { FLOAT16 = new global::Parquet.Meta.Float16Type() };
        }

        ActorFlow.Parquet.Internal.Float16Columns.Demote(reader);
        var fields = ActorFlow.Parquet.Internal.Float16Columns.SchemaOf(reader).GetDataFields();

        Assert.Equal(["x True", "s/h True"], fields.Select(f => $"{f.Path} {ActorFlow.Parquet.Internal.Float16Columns.Is(f)}"));
    }

    private static string Text(float? value) => value switch
    {
        null => "NULL",
        { } v when float.IsNegative(v) && v == 0 => "-0",
        { } v => v.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

#pragma warning disable SA1300, IDE1006 // the file's column name
    public sealed class Row
    {
        public float? x { get; set; }
    }

    public sealed class WithList
    {
        public float? x { get; set; }

        public List<int>? tags { get; set; }
    }

    public sealed class AsDouble
    {
        public double? x { get; set; }
    }
#pragma warning restore SA1300, IDE1006

    public sealed record Positional(float? X);
}
