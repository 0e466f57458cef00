using System.Text;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>
/// The deprecated LZ4 codec has two framings: parquet-mr's and later Arrow's (Hadoop's Lz4Codec: each block behind two
/// big-endian sizes) and early parquet-cpp's (a raw LZ4 block), told apart from the bytes of the first page. Parquet.Net 6.1 decodes every LZ4 page as a raw block, so a
/// parquet-mr file read as wrong values without an error (4503599628419072 for 1593604800). Such a file is refused
/// naming the column; a raw-framed one reads (fixtures of parquet-testing, as Arrow's tests read them).
/// </summary>
public sealed class Lz4CodecSpec : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>Verify that parquet-mr's Hadoop-framed LZ4 file is refused naming the file, the column and the codec, on both read paths.</summary>
    [Fact]
    public async Task A_hadoop_framed_lz4_file_must_be_refused_naming_the_column()
    {
        var file = Path.Combine(OtherWriters.Fixtures, "hadoop_lz4_compressed.parquet");

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.For<Timestamps>(file)));
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
        Assert.Contains("column 'c0' is compressed with LZ4 in Hadoop's framing", e.Message, StringComparison.Ordinal);
        var avro = await Assert.ThrowsAsync<InvalidDataException>(() => SourceRun.AllAsync(Sys, ParquetSource.ForAvro(file, (global::Avro.RecordSchema)global::Avro.Schema.Parse("""
            {"type":"record","name":"T","fields":[{"name":"c0","type":"long"}]}
            """))));
        Assert.Contains("Hadoop's framing", avro.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that early parquet-cpp's raw-framed LZ4 file reads with the values Arrow's tests expect.</summary>
    [Fact]
    public async Task A_raw_framed_lz4_file_must_read_its_values()
    {
        var read = await SourceRun.AllAsync(Sys, ParquetSource.For<Row>(Path.Combine(OtherWriters.Fixtures, "non_hadoop_lz4_compressed.parquet")));

        Assert.Equal(
            ["1593604800 abc 42", "1593604800 def 7.7", "1593604801 abc 42.125", "1593604801 def 7.7"],
            read.Select(r => r.Value!).Select(r => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{r.c0} {Encoding.UTF8.GetString(r.c1!)} {r.v11}")));
    }

#pragma warning disable SA1300, IDE1006 // the files' column names
    public sealed class Timestamps
    {
        public long c0 { get; set; }
    }

    public sealed class Row
    {
        public long c0 { get; set; }

        public byte[]? c1 { get; set; }

        public double v11 { get; set; }
    }
#pragma warning restore SA1300, IDE1006
}
