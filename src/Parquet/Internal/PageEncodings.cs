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
    /// <item>The deprecated LZ4 codec in Hadoop's framing (big-endian sizes before each block: parquet-mr's, and Arrow's
    /// before LZ4_RAW), which Parquet.Net decodes as a raw block into wrong values; early parquet-cpp's raw-framed LZ4
    /// reads.</item>
    /// </list>
    /// </summary>
    public static void ThrowIfUnreadable(string file, ParquetReader reader, IEnumerable<DataField> columns)
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

                if (meta.Codec == CompressionCodec.LZ4 && HadoopFramed(file, meta))
                {
                    throw new InvalidDataException(
                        $"column '{column.Path}' is compressed with LZ4 in Hadoop's framing (the LZ4 codec of parquet-mr and of Arrow before LZ4_RAW, written by '{reader.Metadata?.CreatedBy}'), which Parquet.Net 6.1 decodes as a raw LZ4 block and reads as wrong values: the file is refused; write it with LZ4_RAW, SNAPPY or ZSTD");
                }

                if (column.ClrType == typeof(bool) && HasRleValues(meta))
                {
                    throw new InvalidDataException(
                        $"column '{column.Path}' holds BOOLEAN values in the RLE encoding (data pages V2), which Parquet.Net 6.1 reads as false: the file is refused rather than read wrong; write it with data pages V1 (pyarrow's data_page_version '1.0', Spark's parquet.writer.version v1)");
                }
            }
        }
    }

    /// <summary>
    /// Whether an LZ4 column chunk's pages are in Hadoop's framing, told from its first compressed page as Arrow's reader
    /// tells it: the page body is a run of blocks, each a big-endian decompressed size and compressed size and that many
    /// bytes, which end exactly at the page's end and whose decompressed sizes add up to the page's. A raw LZ4 block
    /// (early parquet-cpp) does not line up so. The page header is read with Parquet.Net's own thrift reader.
    /// </summary>
    private static bool HadoopFramed(string file, ColumnMetaData meta)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.None);
        stream.Position = meta.DictionaryPageOffset is > 0 and var d && d < meta.DataPageOffset ? d : meta.DataPageOffset;
        var end = stream.Position + meta.TotalCompressedSize;
        while (stream.Position < end)
        {
            var header = ReadPageHeader(stream);
            var levels = header.DataPageHeaderV2 is { } v2 ? v2.RepetitionLevelsByteLength + v2.DefinitionLevelsByteLength : 0;
            if (header.DataPageHeaderV2 is { IsCompressed: false } || header.CompressedPageSize - levels <= 0)
            {
                stream.Position += header.CompressedPageSize; // nothing compressed here: the next page tells
                continue;
            }

            var body = new byte[header.CompressedPageSize];
            stream.ReadExactly(body);
            return IsHadoopFramed(body.AsSpan(levels), header.UncompressedPageSize - levels);
        }

        return false;
    }

    private static bool IsHadoopFramed(ReadOnlySpan<byte> body, long decompressed)
    {
        var position = 0;
        long total = 0;
        while (body.Length - position >= 8)
        {
            total += System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body[position..]);
            var compressed = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(body[(position + 4)..]);
            position += 8;
            if (compressed > (uint)(body.Length - position))
            {
                return false;
            }

            position += (int)compressed;
        }

        return position == body.Length && total == decompressed;
    }

    private static PageHeader ReadPageHeader(Stream stream)
    {
        var protocol = Activator.CreateInstance(ThriftReader, stream)!;
        return (PageHeader)PageHeaderRead.Invoke(null, [protocol])!;
    }

    // Parquet.Net 6.1 reads page headers with an internal thrift reader; the same one reads them here.
    private static readonly System.Type ThriftReader = typeof(PageHeader).Assembly.GetType("Parquet.Meta.Proto.ThriftCompactProtocolReader")
        ?? throw new InvalidOperationException("Parquet.Net has no ThriftCompactProtocolReader (a Parquet.Net version other than 6.1)");

    private static readonly System.Reflection.MethodInfo PageHeaderRead = typeof(PageHeader).GetMethod("Read", System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic, [ThriftReader])
        ?? throw new InvalidOperationException("Parquet.Net's PageHeader has no Read(ThriftCompactProtocolReader) (a Parquet.Net version other than 6.1)");

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
