using global::Parquet;
using global::Parquet.Meta;
using global::Parquet.Schema;
using Encoding = global::Parquet.Meta.Encoding;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. What Parquet.Net 6.1 cannot read right, found from a file's column metadata before any row of it is
/// read, so that the file is refused naming the column instead of read with wrong values.
/// </summary>
internal static class PageEncodings
{
    /// <summary>
    /// Throws <see cref="InvalidDataException"/> naming the column when a column of <paramref name="columns"/> (the
    /// file's columns a source reads) is stored in a way Parquet.Net 6.1 reads wrongly or not at all:
    /// <list type="bullet">
    /// <item>BOOLEAN values in the RLE encoding (what arrow-rs and parquet-mr write in data pages V2): Parquet.Net
    /// decodes them with a bit width of 0 and reads every value as false.</item>
    /// <item>LZO compression, which Parquet.Net does not implement.</item>
    /// <item>The deprecated LZ4 codec as parquet-mr writes it (Hadoop's framing: big-endian sizes before each block),
    /// which Parquet.Net decodes as a raw block into wrong values; early parquet-cpp's raw-framed LZ4 reads.</item>
    /// </list>
    /// </summary>
    public static void ThrowIfUnreadable(ParquetReader reader, IEnumerable<DataField> columns)
    {
        foreach (var column in columns)
        {
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                if (reader.RowGroups[g].GetMetadata(column)?.MetaData is not { } meta)
                {
                    continue;
                }

                if (meta.Codec == CompressionCodec.LZO)
                {
                    throw new InvalidDataException($"column '{column.Path}' is compressed with LZO, which Parquet.Net 6.1 cannot read");
                }

                if (meta.Codec == CompressionCodec.LZ4 && IsParquetJava(reader.Metadata?.CreatedBy))
                {
                    throw new InvalidDataException(
                        $"column '{column.Path}' is compressed with LZ4 in Hadoop's framing (parquet-mr's LZ4 codec, written by '{reader.Metadata?.CreatedBy}'), which Parquet.Net 6.1 decodes as a raw LZ4 block and reads as wrong values: the file is refused; write it with LZ4_RAW, SNAPPY or ZSTD");
                }

                if (column.ClrType == typeof(bool) && HasRleValues(meta))
                {
                    throw new InvalidDataException(
                        $"column '{column.Path}' holds BOOLEAN values in the RLE encoding (data pages V2), which Parquet.Net 6.1 reads as false: the file is refused rather than read wrong; write it with data pages V1 (pyarrow's data_page_version '1.0', Spark's parquet.writer.version v1)");
                }
            }
        }
    }

    /// <summary>Whether the file was written by parquet-mr (parquet-java, and the writers built on it: Spark, Hive, Trino's "parquet-mr-trino").</summary>
    private static bool IsParquetJava(string? createdBy) =>
        createdBy is not null && (createdBy.StartsWith("parquet-mr", StringComparison.OrdinalIgnoreCase) || createdBy.StartsWith("parquet-java", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// True when a column chunk's data pages are RLE-encoded: by its page encoding statistics when the writer wrote
    /// them, else when RLE is listed without PLAIN (RLE alone also encodes the levels, which a data page V1 of PLAIN
    /// values lists besides PLAIN).
    /// </summary>
    private static bool HasRleValues(ColumnMetaData meta) =>
        meta.EncodingStats is { Count: > 0 } stats
            ? stats.Any(s => s.PageType is PageType.DATA_PAGE or PageType.DATA_PAGE_V2 && s.Encoding == Encoding.RLE)
            : meta.Encodings.Contains(Encoding.RLE) && !meta.Encodings.Contains(Encoding.PLAIN);
}
