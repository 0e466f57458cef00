using System.Collections;
using System.Globalization;
using Avro;
using Avro.Generic;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// Real files of other writers (parquet-mr with parquet-avro and Spark, HVR; Fixtures/other-writers/README.md): legacy
/// 2-level lists, Spark's maps and lists of every nullability, INT96 timestamps, unannotated binary strings, decimals as
/// BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY, read with DuckDB's values.
/// </summary>
public sealed class OtherWritersFileSpec : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Verify that parquet-avro's required 2-level list (<c>repeated int32 array</c>) reads as DuckDB reads it.</summary>
    [Fact]
    public async Task A_parquet_avro_two_level_list_must_read_with_duckdbs_values()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "legacy-list.parquet");
        var expected = DuckDb.Query($"SELECT segment_id, adt, volumes FROM read_parquet('{file}')").Select(OtherWriters.Text).ToList();

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<LegacyList>(file));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, read.Select(r => r.Value!).Select(r => OtherWriters.Text([r.segment_id, r.adt, r.volumes])));
    }

    /// <summary>Verify that Spark's optional 2-level lists, one inside an optional struct, read as DuckDB reads them, as
    /// classes and as Avro records.</summary>
    [Fact]
    public async Task Spark_two_level_lists_in_a_struct_must_read_with_duckdbs_values()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "legacy-list-onearray.parquet");
        var expected = DuckDb.Query($"""
            SELECT id, prediction, impurity, impurityStats, gain, leftChild, rightChild,
                   split.featureIndex, split.leftCategoriesOrThreshold, split.numCategories, split IS NULL
            FROM read_parquet('{file}')
            """).Select(OtherWriters.Text).ToList();

        var classes = await SourceRun.AllAsync(Sys, ParquetSource.For<Node>(file));
        var schema = (RecordSchema)Schema.Parse("""
            {"type":"record","name":"Node","fields":[
              {"name":"id","type":"int"},{"name":"prediction","type":"double"},{"name":"impurity","type":"double"},
              {"name":"impurityStats","type":["null",{"type":"array","items":"double"}]},
              {"name":"gain","type":"double"},{"name":"leftChild","type":"int"},{"name":"rightChild","type":"int"},
              {"name":"split","type":["null",{"type":"record","name":"Split","fields":[
                {"name":"featureIndex","type":"int"},
                {"name":"leftCategoriesOrThreshold","type":["null",{"type":"array","items":"double"}]},
                {"name":"numCategories","type":"int"}]}]}]}
            """);
        var records = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, schema));

        Assert.Equal(7, expected.Count);
        Assert.Equal(expected, classes.Select(r => r.Value!).Select(n => OtherWriters.Text([
            n.id, n.prediction, n.impurity, n.impurityStats, n.gain, n.leftChild, n.rightChild,
            n.split?.featureIndex, n.split?.leftCategoriesOrThreshold, n.split?.numCategories, n.split is null])));
        Assert.Equal(expected, records.Select(r => r.Value!).Select(n => n["split"] as GenericRecord is var split ? OtherWriters.Text([
            n["id"], n["prediction"], n["impurity"], n["impurityStats"], n["gain"], n["leftChild"], n["rightChild"],
            split?["featureIndex"], split?["leftCategoriesOrThreshold"], split?["numCategories"], split is null]) : null));
    }

    /// <summary>Verify that Spark's maps and lists, optional and required, with null and required values, read as DuckDB reads them.</summary>
    [Fact]
    public async Task Spark_maps_and_lists_of_every_nullability_must_read_with_duckdbs_values()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "map_array.parquet");
        var expected = DuckDb.Query($"SELECT map_op_op, map_op_req, map_req_op, map_req_req, arr_op_op, arr_op_req, arr_req_op, arr_req_req FROM read_parquet('{file}')")
            .Select(OtherWriters.Text).ToList();

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<MapArray>(file));

        Assert.Equal(125, expected.Count);
        Assert.Equal(expected, read.Select(r => r.Value!).Select(m => OtherWriters.Text([m.map_op_op, m.map_op_req, m.map_req_op, m.map_req_req, m.arr_op_op, m.arr_op_req, m.arr_req_op, m.arr_req_req])));
    }

    /// <summary>Verify that Spark 2.1's INT96 timestamps and unannotated binary strings read as DuckDB reads them.</summary>
    [Fact]
    public async Task Spark_int96_timestamps_and_binary_strings_must_read_with_duckdbs_values()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "alltypes_dictionary.plain-spark21.parquet");
        var expected = DuckDb.Query($"SELECT id, bool_col, tinyint_col, smallint_col, int_col, bigint_col, float_col, double_col, hex(date_string_col), hex(string_col), timestamp_col FROM read_parquet('{file}')")
            .Select(OtherWriters.Text).ToList();

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<AllTypes>(file));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, read.Select(r => r.Value!).Select(a => OtherWriters.Text([
            a.id, a.bool_col, a.tinyint_col, a.smallint_col, a.int_col, a.bigint_col, a.float_col, a.double_col, a.date_string_col, a.string_col, a.timestamp_col])));
    }

    /// <summary>Verify that such a binary string column is refused for a string member with the reason and what to do
    /// (DuckDB reads it as a BLOB too).</summary>
    [Fact]
    public async Task An_unannotated_binary_column_into_a_string_member_must_be_refused_saying_what_to_do()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "alltypes_dictionary.plain-spark21.parquet");

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<StringTypes>(file)));

        Assert.Contains("column 'string_col' is Byte[] in the file but StringTypes reads it as String", e.Message, StringComparison.Ordinal);
        Assert.Contains("read it into a byte[] member", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that pyarrow's TIME columns in milli-, micro- and nanoseconds (a logical type without a converted
    /// one) read by their own unit into <see cref="TimeOnly"/> members and into Avro time-millis and time-micros fields.</summary>
    [Fact]
    public async Task Pyarrow_times_of_every_unit_must_read_by_their_unit()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "logical_time_all_precisions.parquet");
        var expected = DuckDb.Query($"SELECT time_ms::VARCHAR, time_us::VARCHAR, time_ns::TIME::VARCHAR FROM read_parquet('{file}')").Select(OtherWriters.Text).ToList();
        var schema = (RecordSchema)Schema.Parse("""
            {"type":"record","name":"Times","fields":[
              {"name":"time_ms","type":["null",{"type":"int","logicalType":"time-millis"}]},
              {"name":"time_us","type":["null",{"type":"long","logicalType":"time-micros"}]},
              {"name":"time_ns","type":["null",{"type":"long","logicalType":"time-micros"}]}]}
            """);

        var classes = await SourceRun.AllAsync(Sys, ParquetSource.For<Times>(file));
        var records = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, schema));

        Assert.Equal(["10:30:00 | 10:30:00 | 10:30:00"], expected);
        Assert.Equal(expected, classes.Select(r => r.Value!).Select(t => OtherWriters.Text([Clock(t.time_ms), Clock(t.time_us), Clock(t.time_ns)])));
        Assert.Equal(expected, records.Select(r => r.Value!).Select(t => OtherWriters.Text([Clock(t["time_ms"]), Clock(t["time_us"]), Clock(t["time_ns"])])));
    }

    /// <summary>Verify that pyarrow's null-type column (a pandas column of only None) reads as nulls from data pages V1 and
    /// V2 (Parquet.Net 6.1 fails on the V2 one), as classes and as Avro records.</summary>
    /// <param name="name">The fixture.</param>
    [Theory]
    [InlineData("emptycolumn.parquet")]
    [InlineData("emptycolumn.v2.parquet")]
    public async Task A_pyarrow_null_type_column_must_read_as_nulls(string name)
    {
        var file = Path.Combine(OtherWriters.Fixtures, name);
        var expected = DuckDb.Query($"SELECT \"Value\", __index_level_0__ FROM read_parquet('{file}')").Select(OtherWriters.Text).Order(StringComparer.Ordinal).ToList();
        var schema = (RecordSchema)Schema.Parse("""
            {"type":"record","name":"Empty","fields":[{"name":"Value","type":["null","int"]},{"name":"__index_level_0__","type":["null","long"]}]}
            """);

        var classes = await SourceRun.AllAsync(Sys, ParquetSource.For<EmptyColumn>(file));
        var records = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, schema));

        Assert.Equal(10, expected.Count);
        Assert.Equal(expected, classes.Select(r => OtherWriters.Text([r.Value!.Value, r.Value.__index_level_0__])).Order(StringComparer.Ordinal));
        Assert.Equal(expected, records.Select(r => OtherWriters.Text([r.Value!["Value"], r.Value["__index_level_0__"]])).Order(StringComparer.Ordinal));
    }

    /// <summary>Verify that DECIMAL(38, 2) values beyond .NET decimal's range read exactly as Avro decimals, and that a class's
    /// decimal member is refused naming the column and what reads it.</summary>
    [Fact]
    public async Task Decimals_beyond_dotnet_decimal_must_read_as_avro_decimals_and_be_refused_for_decimal_members()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "bigdecimal.parquet");
        var expected = DuckDb.Query($"SELECT Name, Balance::VARCHAR FROM read_parquet('{file}')").Select(OtherWriters.Text).Order(StringComparer.Ordinal).ToList();
        var schema = (RecordSchema)Schema.Parse("""
            {"type":"record","name":"Account","fields":[{"name":"Name","type":["null","string"]},
              {"name":"Balance","type":["null",{"type":"bytes","logicalType":"decimal","precision":38,"scale":2}]}]}
            """);

        var records = await SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, schema));
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Account>(file)));

        Assert.Equal(["Jane | 123456789012345678901234567890123456.33", "John | 123456789012345678901234567890123456.33"], expected);
        Assert.Equal(expected, records.Select(r => OtherWriters.Text([r.Value!["Name"], ((AvroDecimal)r.Value["Balance"]).ToString()])).Order(StringComparer.Ordinal));
        Assert.Contains("column 'Balance' holds a DECIMAL(38, 2) value, 123456789012345678901234567890123456.33, that a .NET decimal cannot hold exactly", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that 1-level repeated columns (a repeated primitive without a LIST group) of every primitive, with a
    /// TIME that carries only the legacy converted type (TIME_MICROS) and INT96 timestamps, read as DuckDB reads them.</summary>
    [Fact]
    public async Task Repeated_primitive_columns_and_a_converted_type_time_must_read_with_duckdbs_values()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "legacy_primitives_collection_arrays.parquet");
        var expected = DuckDb.Query($"SELECT Booleans, Shorts, UShorts, Integers, UIntegers, Longs, ULongs, Floats, Doubles, Decimals, DateTimes, TimeSpans, Strings FROM read_parquet('{file}')")
            .Select(OtherWriters.Text).ToList();

        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Primitives>(file));

        Assert.NotEmpty(expected);
        Assert.Equal(expected, read.Select(r => r.Value!).Select(p => OtherWriters.Text([
            p.Booleans, p.Shorts, p.UShorts, p.Integers, p.UIntegers, p.Longs, p.ULongs, p.Floats, p.Doubles, p.Decimals, p.DateTimes, p.TimeSpans, p.Strings])));
    }

    /// <summary>Verify that decimals stored as BYTE_ARRAY (HVR) and FIXED_LEN_BYTE_ARRAY (Spark), negative and null, read as DuckDB reads them.</summary>
    [Fact]
    public async Task Binary_decimals_must_read_with_duckdbs_values()
    {
        var bytes = Path.Combine(OtherWriters.Fixtures, "byte_array_decimal.parquet");
        var fixedLength = Path.Combine(OtherWriters.Fixtures, "decimallegacy.parquet");

        var values = await SourceRun.AllAsync(Sys, ParquetSource.For<ByteArrayDecimal>(bytes));
        var legacy = await SourceRun.AllAsync(Sys, ParquetSource.For<LegacyDecimal>(fixedLength));

        Assert.Equal(DuckDb.Query($"SELECT value FROM read_parquet('{bytes}')").Select(OtherWriters.Text), values.Select(r => OtherWriters.Text([r.Value!.value])));
        Assert.Equal(
            DuckDb.Query($"SELECT id, validDecimal, nullDecimal, negDecimal FROM read_parquet('{fixedLength}')").Select(OtherWriters.Text),
            legacy.Select(r => r.Value!).Select(d => OtherWriters.Text([d.id, d.validDecimal, d.nullDecimal, d.negDecimal])));
    }

    private static string? Clock(object? time) => time switch
    {
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        TimeSpan t => TimeOnly.FromTimeSpan(t).ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        _ => null,
    };

#pragma warning disable SA1300, IDE1006 // the files' column names
    public sealed class LegacyList
    {
        public string segment_id { get; set; } = "";

        public double adt { get; set; }

        public List<int> volumes { get; set; } = [];
    }

    public sealed class Node
    {
        public int id { get; set; }

        public double prediction { get; set; }

        public double impurity { get; set; }

        public List<double>? impurityStats { get; set; }

        public double gain { get; set; }

        public int leftChild { get; set; }

        public int rightChild { get; set; }

        public Split? split { get; set; }
    }

    public sealed class Split
    {
        public int featureIndex { get; set; }

        public List<double>? leftCategoriesOrThreshold { get; set; }

        public int numCategories { get; set; }
    }

    public sealed class MapArray
    {
        public Dictionary<string, string?>? map_op_op { get; set; }

        public Dictionary<string, string>? map_op_req { get; set; }

        public Dictionary<string, string?> map_req_op { get; set; } = [];

        public Dictionary<string, string> map_req_req { get; set; } = [];

        public List<string?>? arr_op_op { get; set; }

        public List<string>? arr_op_req { get; set; }

        public List<string?> arr_req_op { get; set; } = [];

        public List<string> arr_req_req { get; set; } = [];
    }

    public sealed class AllTypes
    {
        public int? id { get; set; }

        public bool? bool_col { get; set; }

        public int? tinyint_col { get; set; }

        public int? smallint_col { get; set; }

        public int? int_col { get; set; }

        public long? bigint_col { get; set; }

        public float? float_col { get; set; }

        public double? double_col { get; set; }

        public byte[]? date_string_col { get; set; }

        public byte[]? string_col { get; set; }

        public DateTime? timestamp_col { get; set; }
    }

    public sealed class EmptyColumn
    {
        public int? Value { get; set; }

        public long? __index_level_0__ { get; set; }
    }

    public sealed class Primitives
    {
        public List<bool> Booleans { get; set; } = [];

        public List<short> Shorts { get; set; } = [];

        public List<ushort> UShorts { get; set; } = [];

        public List<int> Integers { get; set; } = [];

        public List<uint> UIntegers { get; set; } = [];

        public List<long> Longs { get; set; } = [];

        public List<ulong> ULongs { get; set; } = [];

        public List<float> Floats { get; set; } = [];

        public List<double> Doubles { get; set; } = [];

        public List<decimal> Decimals { get; set; } = [];

        public List<DateTime> DateTimes { get; set; } = [];

        public List<TimeOnly> TimeSpans { get; set; } = [];

        public List<string> Strings { get; set; } = [];
    }

    public sealed class Account
    {
        public string? Name { get; set; }

        public decimal? Balance { get; set; }
    }

    public sealed class Times
    {
        public TimeOnly? time_ms { get; set; }

        public TimeOnly? time_us { get; set; }

        public TimeOnly? time_ns { get; set; }
    }

    public sealed class StringTypes
    {
        public string? string_col { get; set; }
    }

    public sealed class ByteArrayDecimal
    {
        public decimal? value { get; set; }
    }

    public sealed class LegacyDecimal
    {
        public int? id { get; set; }

        public decimal? validDecimal { get; set; }

        public decimal? nullDecimal { get; set; }

        public decimal? negDecimal { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}
