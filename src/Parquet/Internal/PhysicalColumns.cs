using System.Buffers;
using System.Reflection;
using global::Parquet;
using global::Parquet.Meta;
using global::Parquet.Schema;
using Encoding = global::Parquet.Meta.Encoding;
using ParquetType = global::Parquet.Meta.Type;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Reads a column as <see cref="ParquetRowGroupReader"/> does, also where Parquet.Net 6.1 cannot decode
/// it itself: a column of the null type (below), and a DATE, TIMESTAMP or DECIMAL column stored as INT32/INT64 in the DELTA_BINARY_PACKED encoding (what
/// DuckDB's <c>PARQUET_VERSION V2</c> and parquet-mr's v2 writer use for such columns; Parquet.Net decodes delta pages
/// only into plain integers, "is not supported in DELTA_BINARY_PACKED"). Such a column chunk is read as its physical
/// integers and converted here exactly as Parquet.Net converts them from other encodings (same values, same
/// <see cref="DateTime.Kind"/>), so a file whose row groups differ in encoding reads the same throughout.
/// </summary>
internal static class PhysicalColumns
{
    // DataField.ClrType has no setter; a copy of the field whose type is the physical one reads the same column chunk
    // (same path and levels) as integers. Parquet.Net's column reader looks at the field's type only for BOOLEAN.
    private static readonly FieldInfo ClrTypeBackingField =
        typeof(DataField).GetField("<ClrType>k__BackingField", BindingFlags.Instance | BindingFlags.NonPublic)
        ?? throw new InvalidOperationException("Parquet.Net's DataField has no ClrType backing field (a Parquet.Net version other than 6.1)");

    private static readonly DateTime UnixEpoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Whether reading a column failed with an exception that does not say which column (Parquet.Net's and .NET's own: a timestamp beyond year 9999, a corrupt page).</summary>
    public static bool NamesNoColumn(Exception e) => e is not (OutOfMemoryException or OperationCanceledException or InvalidDataException);

    /// <summary>The failure of reading <paramref name="column"/>, naming it (the source adds the file and the row group).</summary>
    public static InvalidDataException Failed(DataField column, Exception e) => e is NotImplementedException
        ? new($"column '{column.Path}' cannot be read: {NotImplemented(e)}", e)
        : new($"column '{column.Path}' cannot be read: {e.GetType().Name}: {e.Message}", e);

    /// <summary>What a <see cref="NotImplementedException"/> of Parquet.Net 6.1 means for a file.</summary>
    public static string NotImplemented(Exception e) =>
        $"Parquet.Net 6.1 does not implement reading what the file holds ({e.Message}; a list or map column in data pages V2 is such a case: write it with data pages V1)";

    /// <summary>As <see cref="ParquetRowGroupReader.ReadRawAsync{T}"/>: the defined values packed at the start of <paramref name="values"/>.</summary>
    public static async ValueTask ReadRawAsync<T>(ParquetRowGroupReader group, DataField field, Memory<T> values, Memory<int>? definitions, Memory<int>? repetitions, CancellationToken cancellationToken)
        where T : struct
    {
        if (AlwaysNull(group, field) is { } entries && definitions is { } levels)
        {
            // pyarrow's null type (a column of a pandas frame that holds only None): every value is null by the schema.
            // Parquet.Net 6.1 fails on such a column in data pages V2 (IndexOutOfRangeException), so its pages are not read.
            levels.Span[..entries].Clear();
            return;
        }

        if (typeof(T) == typeof(decimal) && IsWideDecimal(field))
        {
            await ReadWideAsync(group, field, values.Length, values, definitions, repetitions, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (Delta(group, field, typeof(T)) is not { } chunk)
        {
            try
            {
                await group.ReadRawAsync(field, values, definitions, repetitions, cancellationToken).ConfigureAwait(false);
            }
            catch (OverflowException e) when (typeof(T) == typeof(decimal))
            {
                throw TooWide(field, e);
            }

            return;
        }

        if (field.ClrType != typeof(T))
        {
            // Parquet.Net's own check, which the integer read below no longer makes against the column's type.
            throw new ArgumentException($"Field \"{field.Path}\" ({field.ClrType}) is not compatible with type {typeof(T)}");
        }

        var element = field.SchemaElement ?? throw new InvalidDataException($"column '{field.Path}' has no schema element");
        if (chunk.Type == ParquetType.INT32)
        {
            await ReadIntegersAsync<int, T>(group, field, chunk, element, values, definitions, repetitions, Convert, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ReadIntegersAsync<long, T>(group, field, chunk, element, values, definitions, repetitions, Convert, cancellationToken).ConfigureAwait(false);
        }
    }

    private delegate void Converter<TRaw, T>(ReadOnlySpan<TRaw> raw, Span<T> values, SchemaElement element);

    /// <summary>Reads the column chunk as its physical integers and converts the defined ones into <paramref name="values"/>.</summary>
    private static async ValueTask ReadIntegersAsync<TRaw, T>(
        ParquetRowGroupReader group, DataField field, ColumnMetaData chunk, SchemaElement element, Memory<T> values, Memory<int>? definitions, Memory<int>? repetitions, Converter<TRaw, T> convert, CancellationToken cancellationToken)
        where TRaw : struct
        where T : struct
    {
        var raw = ArrayPool<TRaw>.Shared.Rent(values.Length);
        try
        {
            await group.ReadRawAsync(As(field, typeof(TRaw)), raw.AsMemory(0, values.Length), definitions, repetitions, cancellationToken).ConfigureAwait(false);
            convert(raw.AsSpan(0, Defined(field, chunk, definitions)), values.Span, element);
        }
        finally
        {
            ArrayPool<TRaw>.Shared.Return(raw);
        }
    }

    /// <summary>
    /// Whether a DECIMAL column is wider than .NET's decimal (precision above 28, as Spark's and Arrow's DECIMAL(38, s),
    /// stored as FIXED_LEN_BYTE_ARRAY or BYTE_ARRAY): Parquet.Net 6.1 decodes such a value into a decimal by rounding it
    /// to 28 digits, or fails with an OverflowException, so it is read as Parquet.Net's
    /// <see cref="global::Parquet.Data.BigDecimal"/> (its exact unscaled integer) instead.
    /// </summary>
    public static bool IsWideDecimal(DataField field) =>
        field is DecimalDataField { Precision: > 28 } && field.ClrType == typeof(decimal)
        && field.SchemaElement?.Type is ParquetType.FIXED_LEN_BYTE_ARRAY or ParquetType.BYTE_ARRAY;

    /// <summary>A wide DECIMAL column into decimals: each value exactly, or the row group fails naming the column.</summary>
    private static async ValueTask ReadWideAsync<T>(ParquetRowGroupReader group, DataField field, int length, Memory<T> values, Memory<int>? definitions, Memory<int>? repetitions, CancellationToken cancellationToken)
        where T : struct
    {
        var wide = ArrayPool<global::Parquet.Data.BigDecimal>.Shared.Rent(length);
        try
        {
            await group.ReadRawAsync(As(field, typeof(global::Parquet.Data.BigDecimal)), wide.AsMemory(0, length), definitions, repetitions, cancellationToken).ConfigureAwait(false);
            var meta = group.GetMetadata(field)?.MetaData ?? throw new InvalidDataException($"column '{field.Path}' has no data in this row group");
            var defined = Defined(field, meta, definitions);
            var decimals = System.Runtime.InteropServices.MemoryMarshal.Cast<T, decimal>(values.Span);
            for (var i = 0; i < defined; i++)
            {
                decimals[i] = Exact(wide[i], field);
            }
        }
        finally
        {
            ArrayPool<global::Parquet.Data.BigDecimal>.Shared.Return(wide, clearArray: true);
        }
    }

    private static readonly System.Numerics.BigInteger MaxMantissa = (System.Numerics.BigInteger.One << 96) - 1;

    /// <summary>A DECIMAL value as a .NET decimal, exactly (trailing zeros of the scale dropped as needed), or an error naming the column.</summary>
    private static decimal Exact(global::Parquet.Data.BigDecimal value, DataField field)
    {
        var unscaled = value.UnscaledValue;
        var scale = value.Scale;
        while (scale > 28 || System.Numerics.BigInteger.Abs(unscaled) > MaxMantissa)
        {
            if (scale == 0 || !(unscaled % 10).IsZero)
            {
                var d = (DecimalDataField)field;
                throw new InvalidDataException(
                    $"column '{field.Path}' holds a DECIMAL({d.Precision}, {d.Scale}) value, {value}, that a .NET decimal cannot hold exactly (28-29 significant digits, up to ±7.9e28): read the file as Avro records (ParquetSource.ForAvro with a decimal field), whose decimal holds every value");
            }

            unscaled /= 10;
            scale--;
        }

        var magnitude = System.Numerics.BigInteger.Abs(unscaled);
        var low = (int)(uint)(magnitude & uint.MaxValue);
        var middle = (int)(uint)((magnitude >> 32) & uint.MaxValue);
        var high = (int)(uint)((magnitude >> 64) & uint.MaxValue);
        return new decimal(low, middle, high, unscaled.Sign < 0, (byte)scale);
    }

    /// <summary>A DECIMAL value past .NET decimal's range (±7.9e28, 28 digits): the row group fails saying what reads it.</summary>
    private static InvalidDataException TooWide(DataField field, OverflowException e) =>
        new($"column '{field.Path}' holds a {(field is DecimalDataField d ? $"DECIMAL({d.Precision}, {d.Scale})" : "DECIMAL")} value beyond .NET decimal's range (±7.9e28): read the file as Avro records (ParquetSource.ForAvro with a decimal field), whose decimal holds every value", e);

    /// <summary>
    /// The entries of a column whose logical type is UNKNOWN (the format's null type: every value is null) when every
    /// entry is a row's own null (a top-level optional column: definition level 0 throughout); else null.
    /// </summary>
    private static int? AlwaysNull(ParquetRowGroupReader group, DataField field) =>
        field.SchemaElement?.LogicalType?.UNKNOWN is not null && field.MaxDefinitionLevel == 1 && field.MaxRepetitionLevel == 0
        && group.GetMetadata(field)?.MetaData is { } meta
        && (meta.Statistics?.NullCount is not { } nulls || nulls == meta.NumValues) // a writer's statistics that say otherwise win
            ? checked((int)meta.NumValues)
            : null;

    /// <summary>As <see cref="ParquetRowGroupReader.ReadAsync{T}(DataField, Memory{T}, Memory{int}?, CancellationToken)"/> (a column without nulls).</summary>
    public static ValueTask ReadAsync<T>(ParquetRowGroupReader group, DataField field, Memory<T> values, CancellationToken cancellationToken)
        where T : struct => ReadRawAsync(group, field, values, null, null, cancellationToken);

    /// <summary>As <see cref="ParquetRowGroupReader.ReadAsync{T}(DataField, Memory{T?}, Memory{int}?, CancellationToken)"/>: a null where a row has no value; a required column too.</summary>
    public static async ValueTask ReadAsync<T>(ParquetRowGroupReader group, DataField field, Memory<T?> values, CancellationToken cancellationToken)
        where T : struct
    {
        if (!field.IsNullable)
        {
            // A required column: Parquet.Net's nullable read would judge each row by definition levels it never writes for
            // such a column (a rented buffer's leftovers: rows read as null and the rest shifted), so it is read as values.
            var read = ArrayPool<T>.Shared.Rent(values.Length);
            try
            {
                await ReadRawAsync(group, field, read.AsMemory(0, values.Length), null, null, cancellationToken).ConfigureAwait(false);
                var span = values.Span;
                for (var i = 0; i < span.Length; i++)
                {
                    span[i] = read[i];
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(read);
            }

            return;
        }

        if (ParquetNetReads(group, field, typeof(T)))
        {
            try
            {
                await group.ReadAsync(field, values, null, cancellationToken).ConfigureAwait(false);
            }
            catch (OverflowException e) when (typeof(T) == typeof(decimal))
            {
                throw TooWide(field, e);
            }

            return;
        }

        var rows = checked((int)group.RowCount);
        var packed = ArrayPool<T>.Shared.Rent(values.Length);
        var levels = ArrayPool<int>.Shared.Rent(rows);
        try
        {
            await ReadRawAsync(group, field, packed.AsMemory(0, values.Length), levels.AsMemory(0, rows), null, cancellationToken).ConfigureAwait(false);
            var span = values.Span;
            var next = 0;
            for (var i = 0; i < rows; i++)
            {
                span[i] = levels[i] < field.MaxDefinitionLevel ? null : packed[next++];
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packed);
            ArrayPool<int>.Shared.Return(levels);
        }
    }

    /// <summary>Whether Parquet.Net reads the column into <paramref name="target"/> right by itself (none of the cases <see cref="ReadRawAsync{T}"/> reads on its own).</summary>
    private static bool ParquetNetReads(ParquetRowGroupReader group, DataField field, System.Type target) =>
        AlwaysNull(group, field) is null && !(target == typeof(decimal) && IsWideDecimal(field)) && Delta(group, field, target) is null;

    /// <summary>
    /// The column chunk's metadata when Parquet.Net cannot decode it into <paramref name="target"/> itself: a
    /// <see cref="DateTime"/>, <see cref="DateOnly"/> or <see cref="decimal"/> column stored as INT32/INT64 with
    /// DELTA_BINARY_PACKED pages; else null.
    /// </summary>
    private static ColumnMetaData? Delta(ParquetRowGroupReader group, DataField field, System.Type target) =>
        (target == typeof(DateTime) || target == typeof(DateOnly) || target == typeof(decimal))
        && group.GetMetadata(field)?.MetaData is { Type: ParquetType.INT32 or ParquetType.INT64 } meta
        && meta.Encodings.Contains(Encoding.DELTA_BINARY_PACKED)
            ? meta
            : null;

    /// <summary>A copy of <paramref name="field"/> (same column, path and levels) that Parquet.Net decodes into <paramref name="type"/>.</summary>
    public static DataField As(DataField field, System.Type type)
    {
        var copy = (DataField)field.Clone();
        ClrTypeBackingField.SetValue(copy, type);
        return copy;
    }

    /// <summary>How many values a raw read packed: the entries at the column's full definition level.</summary>
    private static int Defined(DataField field, ColumnMetaData chunk, Memory<int>? definitions)
    {
        var entries = checked((int)chunk.NumValues);
        if (definitions is not { } levels || field.MaxDefinitionLevel == 0)
        {
            return entries;
        }

        var defined = 0;
        foreach (var level in levels.Span[..entries])
        {
            if (level == field.MaxDefinitionLevel)
            {
                defined++;
            }
        }

        return defined;
    }

    // The conversions below are Parquet.Net 6.1's own (ParquetPlainEncoder.Decode), applied to the integers it decoded.

    /// <summary>An INT32 or INT64 DECIMAL's unscaled integers as decimals.</summary>
    private static void Scale<TRaw, T>(ReadOnlySpan<TRaw> raw, Span<T> values, SchemaElement element)
        where TRaw : System.Numerics.IBinaryInteger<TRaw>
        where T : struct
    {
        var scaleFactor = (decimal)Math.Pow(10, -element.Scale ?? 0);
        var decimals = System.Runtime.InteropServices.MemoryMarshal.Cast<T, decimal>(values);
        for (var i = 0; i < raw.Length; i++)
        {
            decimals[i] = decimal.CreateTruncating(raw[i]) * scaleFactor;
        }
    }
    private static void Convert<T>(ReadOnlySpan<int> raw, Span<T> values, SchemaElement element)
        where T : struct
    {
        if (typeof(T) == typeof(decimal))
        {
            Scale(raw, values, element);
        }
        else if (typeof(T) == typeof(DateTime))
        {
            var times = System.Runtime.InteropServices.MemoryMarshal.Cast<T, DateTime>(values);
            for (var i = 0; i < raw.Length; i++)
            {
                times[i] = UnixEpoch.AddDays(raw[i]);
            }
        }
        else
        {
            var dates = System.Runtime.InteropServices.MemoryMarshal.Cast<T, DateOnly>(values);
            for (var i = 0; i < raw.Length; i++)
            {
                dates[i] = DateOnly.FromDateTime(UnixEpoch.AddDays(raw[i]));
            }
        }
    }

    private static void Convert<T>(ReadOnlySpan<long> raw, Span<T> values, SchemaElement element)
        where T : struct
    {
        if (typeof(T) == typeof(decimal))
        {
            Scale(raw, values, element);
            return;
        }

        if (typeof(T) != typeof(DateTime))
        {
            throw new InvalidDataException($"column '{element.Name}': an INT64 column does not hold {typeof(T).Name} values");
        }

        var times = System.Runtime.InteropServices.MemoryMarshal.Cast<T, DateTime>(values);
        var timestamp = element.LogicalType?.TIMESTAMP;
        var kind = timestamp is null ? (DateTimeKind?)null : timestamp.IsAdjustedToUTC ? DateTimeKind.Utc : DateTimeKind.Local;
        var micros = timestamp?.Unit.MICROS is not null || (timestamp is null && element.ConvertedType == ConvertedType.TIMESTAMP_MICROS);
        var nanos = timestamp?.Unit.NANOS is not null;
        for (var i = 0; i < raw.Length; i++)
        {
            var value = raw[i];
            var time = nanos ? UnixEpoch.AddMilliseconds(value / 1_000_000).AddTicks(value % 1_000_000 / 100)
                : micros ? UnixEpoch.AddMilliseconds(value / 1000).AddTicks(value % 1000 * 10)
                : UnixEpoch.AddMilliseconds(value);
            times[i] = kind is { } k ? DateTime.SpecifyKind(time, k) : time;
        }
    }
}
