namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Puts the min/max statistics of UUID columns in the byte order the Parquet format defines. Parquet.Net
/// 6.1 writes a UUID's values big-endian (RFC 4122, as every reader expects) but its statistics with
/// <see cref="Guid.ToByteArray()"/>, .NET's mixed-endian order: a landed <c>00000002-0000-…</c> got a minimum of
/// <c>02000000-0000-…</c>, so an engine that prunes row groups by a UUID column's statistics (the format orders UUIDs
/// as unsigned bytes) could skip rows that match. Parquet.Net picks the min and max with <see cref="Guid.CompareTo(Guid)"/>,
/// which is that unsigned order, so reordering the bytes of each value is all it takes; the statistics keep their
/// length, so they are rewritten in place: in the footer's column chunk metadata and in each data page header.
/// </summary>
internal static class UuidStatistics
{
    private const byte Stop = 0, True = 1, False = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7, Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12;

    /// <summary>
    /// Mends the UUID columns' statistics of the last row group of the Parquet file in <paramref name="file"/> (the row
    /// group just appended: those before it were mended when they were written, and Parquet.Net's append keeps their
    /// metadata as it reads it). <paramref name="uuidColumns"/> are the paths of the file's UUID columns (<see cref="FileSchema.PathOf"/>).
    /// </summary>
    public static void MendLastRowGroup(Stream file, IReadOnlySet<string> uuidColumns)
    {
        if (uuidColumns.Count == 0)
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

        var pages = new List<(long Start, long Length)>();
        var reader = new Cursor(footer);
        if (MendFooter(ref reader, uuidColumns, pages))
        {
            file.Position = footerStart;
            file.Write(footer);
        }

        foreach (var (start, length) in pages)
        {
            MendPageHeaders(file, start, length);
        }

        file.Position = file.Length;
    }

    /// <summary>The big-endian bytes of the UUID whose .NET bytes are <paramref name="value"/>.</summary>
    private static void Reorder(Span<byte> value) => new Guid(value).TryWriteBytes(value, bigEndian: true, out _);

    // FileMetaData: 4 row_groups list<RowGroup>; RowGroup: 1 columns list<ColumnChunk>; ColumnChunk: 3 meta_data.
    private static bool MendFooter(ref Cursor footer, IReadOnlySet<string> uuidColumns, List<(long, long)> pages)
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
                                mended |= MendColumnMetaData(ref footer, uuidColumns, pages);
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
    private static bool MendColumnMetaData(ref Cursor footer, IReadOnlySet<string> uuidColumns, List<(long, long)> pages)
    {
        string? path = null;
        long compressed = 0, dataPage = -1, dictionaryPage = -1;
        var statistics = new List<int>();
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

        if (path is null || !uuidColumns.Contains(path))
        {
            return false;
        }

        foreach (var at in statistics)
        {
            Reorder(footer.Bytes.AsSpan(at, 16));
        }

        var first = dictionaryPage > 0 ? Math.Min(dictionaryPage, dataPage) : dataPage;
        if (first >= 0 && compressed > 0)
        {
            pages.Add((first, compressed));
        }

        return statistics.Count > 0;
    }

    // PageHeader: 3 compressed_page_size; 5 data_page_header (5 statistics); 8 data_page_header_v2 (8 statistics).
    private static void MendPageHeaders(Stream file, long start, long length)
    {
        var position = start;
        var buffer = new byte[4096];
        while (position < start + length)
        {
            file.Position = position;
            var read = file.Read(buffer, 0, (int)Math.Min(buffer.Length, start + length - position));
            var header = new Cursor(buffer.AsSpan(0, read).ToArray());
            var statistics = new List<int>();
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

            if (statistics.Count > 0)
            {
                foreach (var at in statistics)
                {
                    Reorder(header.Bytes.AsSpan(at, 16));
                }

                file.Position = position;
                file.Write(header.Bytes, 0, header.Position);
            }

            position += header.Position + pageSize;
        }
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

        /// <summary>Reads a Statistics struct; adds the offsets of its 16-byte min/max values (fields 1, 2, 5, 6).</summary>
        public void Statistics(List<int> offsets)
        {
            short last = 0;
            while (Field(ref last) is var (id, type) && type != Stop)
            {
                if (type == Binary && id is 1 or 2 or 5 or 6)
                {
                    var length = (int)Varint();
                    if (length == 16)
                    {
                        offsets.Add(Position);
                    }

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
