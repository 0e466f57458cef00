using System.Buffers.Binary;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. A change to the min/max statistics of one column (a value of the statistic, and whether it is the
/// maximum): <see cref="StatisticsMends"/> applies it in place, so it must keep the value's length.
/// </summary>
internal delegate void StatisticMend(Span<byte> value, bool isMax);

/// <summary>
/// INTERNAL API. Puts right the min/max statistics Parquet.Net 6.1 writes wrong, in place after each row group:
/// <list type="bullet">
/// <item>UUID columns (<see cref="Uuid"/>): Parquet.Net writes a UUID's values big-endian (RFC 4122, as every reader
/// expects) but its statistics with <see cref="Guid.ToByteArray()"/>, .NET's mixed-endian order: a landed
/// <c>00000002-0000-…</c> got a minimum of <c>02000000-0000-…</c>, so an engine that prunes row groups by a UUID
/// column's statistics (the format orders UUIDs as unsigned bytes) could skip rows that match. Parquet.Net picks the min
/// and max with <see cref="Guid.CompareTo(Guid)"/>, which is that unsigned order, so reordering each value's bytes is
/// all it takes.</item>
/// <item>String columns (<see cref="Utf8"/>): Parquet.Net picks a string column's min and max in UTF-16 order, the
/// format orders strings as unsigned UTF-8 bytes (code points). The two differ only between a character from U+E000 to
/// U+FFFF (full-width forms, private use) and one above U+FFFF (emoji): a row group of <c>Ａ</c> and <c>😀</c> got the
/// maximum <c>Ａ</c>, and DuckDB found no row equal to <c>😀</c>. A maximum holding such a character is widened to
/// bytes 0xFF (above every UTF-8 string of its length and below none that it must hold) and a minimum holding a
/// character above U+FFFF to bytes 0x00: the bounds still hold every value, only less tightly, and only then.</item>
/// <item>TIMESTAMP columns in microseconds or nanoseconds (<see cref="Int64"/>): Parquet.Net writes their values in the
/// column's unit but their statistics in milliseconds (<c>ParquetPlainEncoder.TryEncode(DateTime)</c>), so a row group
/// of 2026 read as 1970 to DuckDB, Spark or this source and was skipped by any lower bound. The exact minimum and
/// maximum, read back from the row group just written, replace them.</item>
/// </list>
/// The statistics keep their length, so they are rewritten in place: in the footer's column chunk metadata and in each
/// data page header (a page gets its column chunk's bounds, which hold every value of the page).
/// </summary>
internal static class StatisticsMends
{
    private const byte Stop = 0, True = 1, False = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12;

    /// <summary>A UUID statistic's .NET bytes reordered big-endian.</summary>
    public static readonly StatisticMend Uuid = (value, isMax) =>
    {
        if (value.Length == 16)
        {
            new Guid(value).TryWriteBytes(value, bigEndian: true, out _);
        }
    };

    /// <summary>A string bound widened where Parquet.Net's UTF-16 order may have picked the wrong value (see the class).</summary>
    public static readonly StatisticMend Utf8 = (value, isMax) =>
    {
        // A maximum is wrong only if it holds a character from U+E000 (UTF-8 lead byte 0xEE or 0xEF) where a value with
        // a character above U+FFFF sorts higher; a minimum only if it holds a character above U+FFFF (lead 0xF0-0xF4).
        if (isMax ? value.IndexOfAnyInRange((byte)0xEE, (byte)0xEF) >= 0 : value.IndexOfAnyInRange((byte)0xF0, (byte)0xF4) >= 0)
        {
            value.Fill(isMax ? (byte)0xFF : (byte)0x00);
        }
    };

    /// <summary>An INT64 statistic replaced by <paramref name="min"/> or <paramref name="max"/> (little-endian, as the format stores them).</summary>
    public static StatisticMend Int64(long min, long max) => (value, isMax) =>
    {
        if (value.Length == 8)
        {
            BinaryPrimitives.WriteInt64LittleEndian(value, isMax ? max : min);
        }
    };

    /// <summary>
    /// Mends the statistics of the columns in <paramref name="columns"/> (by <see cref="FileSchema.PathOf"/>) in the last
    /// row group of the Parquet file in <paramref name="file"/> (the row group just appended: those before it were
    /// mended when they were written, and Parquet.Net's append keeps their metadata as it reads it).
    /// </summary>
    public static void MendLastRowGroup(Stream file, IReadOnlyDictionary<string, StatisticMend> columns)
    {
        if (columns.Count == 0)
        {
            return;
        }

        var tail = new byte[8];
        file.Position = file.Length - 8;
        file.ReadExactly(tail);
        var footerLength = BitConverter.ToInt32(tail, 0);
        var footerStart = file.Length - 8 - footerLength;
        var footer = new byte[footerLength];
        file.Position = footerStart;
        file.ReadExactly(footer);

        var pages = new List<(long Start, long Length, StatisticMend Mend)>();
        var reader = new Cursor(footer);
        if (MendFooter(ref reader, columns, pages))
        {
            file.Position = footerStart;
            file.Write(footer);
        }

        foreach (var (start, length, mend) in pages)
        {
            MendPageHeaders(file, start, length, mend);
        }

        file.Position = file.Length;
    }

    // FileMetaData: 4 row_groups list<RowGroup>; RowGroup: 1 columns list<ColumnChunk>; ColumnChunk: 3 meta_data.
    private static bool MendFooter(ref Cursor footer, IReadOnlyDictionary<string, StatisticMend> mends, List<(long, long, StatisticMend)> pages)
    {
        var mended = false;
        short last = 0;
        while (footer.Field(ref last) is var (id, type) && type != Stop)
        {
            if (id != 4 || type != List)
            {
                footer.Skip(type);
                continue;
            }

            var (count, _) = footer.ListHeader();
            for (var g = 0; g < count; g++)
            {
                if (g < count - 1)
                {
                    footer.Skip(Struct);
                    continue;
                }

                short inGroup = 0;
                while (footer.Field(ref inGroup) is var (groupId, groupType) && groupType != Stop)
                {
                    if (groupId != 1 || groupType != List)
                    {
                        footer.Skip(groupType);
                        continue;
                    }

                    var (columns, _) = footer.ListHeader();
                    for (var c = 0; c < columns; c++)
                    {
                        short inChunk = 0;
                        while (footer.Field(ref inChunk) is var (chunkId, chunkType) && chunkType != Stop)
                        {
                            if (chunkId == 3 && chunkType == Struct)
                            {
                                mended |= MendColumnMetaData(ref footer, mends, pages);
                            }
                            else
                            {
                                footer.Skip(chunkType);
                            }
                        }
                    }
                }
            }
        }

        return mended;
    }

    // ColumnMetaData: 3 path_in_schema list<string>, 7 total_compressed_size, 9 data_page_offset,
    // 11 dictionary_page_offset, 12 statistics.
    private static bool MendColumnMetaData(ref Cursor footer, IReadOnlyDictionary<string, StatisticMend> columns, List<(long, long, StatisticMend)> pages)
    {
        string? path = null;
        long compressed = 0, dataPage = -1, dictionaryPage = -1;
        var statistics = new List<(int Offset, int Length, bool IsMax)>();
        short last = 0;
        while (footer.Field(ref last) is var (id, type) && type != Stop)
        {
            switch (id)
            {
                case 3 when type == List:
                    var (parts, _) = footer.ListHeader();
                    var names = new string[parts];
                    for (var i = 0; i < parts; i++)
                    {
                        names[i] = footer.String();
                    }

                    path = FileSchema.PathOf(names);
                    break;
                case 7 when type == I64:
                    compressed = footer.Long();
                    break;
                case 9 when type == I64:
                    dataPage = footer.Long();
                    break;
                case 11 when type == I64:
                    dictionaryPage = footer.Long();
                    break;
                case 12 when type == Struct:
                    footer.Statistics(statistics);
                    break;
                default:
                    footer.Skip(type);
                    break;
            }
        }

        if (path is null || !columns.TryGetValue(path, out var mend))
        {
            return false;
        }

        var changed = false;
        foreach (var (at, length, isMax) in statistics)
        {
            changed |= Apply(mend, footer.Bytes.AsSpan(at, length), isMax);
        }

        var first = dictionaryPage > 0 ? Math.Min(dictionaryPage, dataPage) : dataPage;
        if (first >= 0 && compressed > 0)
        {
            pages.Add((first, compressed, mend));
        }

        return changed;
    }

    /// <summary>Applies <paramref name="mend"/> to a statistic; whether it changed a byte (a file is written only where one did).</summary>
    private static bool Apply(StatisticMend mend, Span<byte> value, bool isMax)
    {
        var before = value.ToArray();
        mend(value, isMax);
        return !value.SequenceEqual(before);
    }

    // PageHeader: 3 compressed_page_size; 5 data_page_header (5 statistics); 8 data_page_header_v2 (8 statistics).
    private static void MendPageHeaders(Stream file, long start, long length, StatisticMend mend)
    {
        var position = start;
        var end = start + length;
        var size = 4096;
        while (position < end)
        {
            // A header holds its statistics whole (Parquet.Net writes a string page's min and max twice each, uncut): one
            // longer than the buffer is read again with a larger one, up to the rest of the column chunk.
            Cursor header;
            List<(int Offset, int Length, bool IsMax)> statistics;
            int pageSize;
            while (true)
            {
                var available = (int)Math.Min(size, end - position);
                var bytes = new byte[available];
                file.Position = position;
                file.ReadExactly(bytes);
                try
                {
                    (header, statistics, pageSize) = ReadPageHeader(bytes);
                    break;
                }
                catch (InvalidDataException) when (available < end - position)
                {
                    size = (int)Math.Min((long)size * 4, end - position);
                }
            }

            var changed = false;
            foreach (var (at, valueLength, isMax) in statistics)
            {
                changed |= Apply(mend, header.Bytes.AsSpan(at, valueLength), isMax);
            }

            if (changed)
            {
                file.Position = position;
                file.Write(header.Bytes, 0, header.Position);
            }

            position += header.Position + pageSize;
        }
    }

    /// <summary>A page header at the start of <paramref name="bytes"/>: its statistics and the page's size; throws when <paramref name="bytes"/> end inside it.</summary>
    private static (Cursor Header, List<(int Offset, int Length, bool IsMax)> Statistics, int PageSize) ReadPageHeader(byte[] bytes)
    {
        var header = new Cursor(bytes);
        var statistics = new List<(int Offset, int Length, bool IsMax)>();
        var pageSize = 0;
        short last = 0;
        while (header.Field(ref last) is var (id, type) && type != Stop)
        {
            if (id == 3 && type == I32)
            {
                pageSize = header.Int();
            }
            else if ((id == 5 || id == 8) && type == Struct)
            {
                var statisticsField = id;
                short inPage = 0;
                while (header.Field(ref inPage) is var (pageId, pageType) && pageType != Stop)
                {
                    if (pageId == statisticsField && pageType == Struct)
                    {
                        header.Statistics(statistics);
                    }
                    else
                    {
                        header.Skip(pageType);
                    }
                }
            }
            else
            {
                header.Skip(type);
            }
        }

        if (header.Position > bytes.Length)
        {
            throw new InvalidDataException("Parquet page header ends past the bytes read");
        }

        return (header, statistics, pageSize);
    }

    /// <summary>A Thrift compact-protocol reader over a buffer (only what Parquet's metadata uses).</summary>
    private struct Cursor(byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;

        public int Position { get; private set; }

        /// <summary>The next field's id and type (type <see cref="Stop"/> at the end of a struct).</summary>
        public (short Id, byte Type) Field(ref short last)
        {
            var header = Next();
            var type = (byte)(header & 0x0F);
            if (type == Stop)
            {
                return (0, Stop);
            }

            var delta = header >> 4;
            last = delta == 0 ? (short)ZigZag(Varint()) : (short)(last + delta);
            return (last, type);
        }

        public (int Count, byte Type) ListHeader()
        {
            var header = Next();
            var count = header >> 4;
            return (count == 15 ? (int)Varint() : count, (byte)(header & 0x0F));
        }

        public int Int() => (int)ZigZag(Varint());

        public long Long() => ZigZag(Varint());

        public string String()
        {
            var length = (int)Varint();
            var text = System.Text.Encoding.UTF8.GetString(Bytes, Position, length);
            Position += length;
            return text;
        }

        /// <summary>
        /// Reads a Statistics struct; adds the offset and length of each of its min/max values and whether it is a maximum
        /// (fields 1 max and 2 min, the deprecated ones, 5 max_value and 6 min_value).
        /// </summary>
        public void Statistics(List<(int Offset, int Length, bool IsMax)> values)
        {
            short last = 0;
            while (Field(ref last) is var (id, type) && type != Stop)
            {
                if (type == Binary && id is 1 or 2 or 5 or 6)
                {
                    var length = (int)Varint();
                    if (Position + length > Bytes.Length)
                    {
                        throw new InvalidDataException("Parquet metadata ends inside a statistic");
                    }

                    values.Add((Position, length, id is 1 or 5));
                    Position += length;
                }
                else
                {
                    Skip(type);
                }
            }
        }

        public void Skip(byte type)
        {
            switch (type)
            {
                case True or False:
                    break; // a field's boolean is in its header
                case Byte:
                    Position++;
                    break;
                case I16 or I32 or I64:
                    Varint();
                    break;
                case Double:
                    Position += 8;
                    break;
                case Binary:
                    var length = (int)Varint(); // before the addition: `Position += Varint()` would add to the old position
                    Position += length;
                    break;
                case List or Set:
                    var (count, element) = ListHeader();
                    for (var i = 0; i < count; i++)
                    {
                        SkipElement(element);
                    }

                    break;
                case Map:
                    var entries = (int)Varint();
                    if (entries > 0)
                    {
                        var types = Next();
                        for (var i = 0; i < entries; i++)
                        {
                            SkipElement((byte)(types >> 4));
                            SkipElement((byte)(types & 0x0F));
                        }
                    }

                    break;
                case Struct:
                    short last = 0;
                    while (Field(ref last) is var (_, fieldType) && fieldType != Stop)
                    {
                        Skip(fieldType);
                    }

                    break;
                default:
                    throw new InvalidDataException($"Thrift type {type} at byte {Position} of Parquet metadata");
            }
        }

        /// <summary>Skips a list, set or map element: a boolean there is a byte of its own (a field's is in its header).</summary>
        private void SkipElement(byte type)
        {
            if (type is True or False)
            {
                Position++;
            }
            else
            {
                Skip(type);
            }
        }

        private byte Next() =>
            Position < Bytes.Length ? Bytes[Position++] : throw new InvalidDataException("Parquet metadata ends inside a structure");

        private ulong Varint()
        {
            ulong value = 0;
            for (var shift = 0; ; shift += 7)
            {
                var b = Next();
                value |= (ulong)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return value;
                }
            }
        }

        private static long ZigZag(ulong value) => (long)(value >> 1) ^ -(long)(value & 1);
    }
}
