using global::Parquet.Schema;

namespace ActorFlow.Parquet.Internal;

/// <summary>INTERNAL API. Reconciles a file's schema with the projection a source reads, by column name.</summary>
internal static class FileSchemas
{
    /// <summary>
    /// Columns are matched by name (exactly, or else ignoring case): a projected column the file lacks is left at its default; one the file holds
    /// with another type fails with <see cref="InvalidDataException"/> naming the file, the column and both types.
    /// Returns the file's columns the projection reads.
    /// </summary>
    public static IReadOnlyList<DataField> CheckProjection(ParquetSchema file, DataField[] projection, string path, string typeName)
    {
        var read = new List<DataField>();
        var columns = file.GetDataFields().ToDictionary(f => f.Path.ToString(), StringComparer.Ordinal);
        var ignoringCase = new Dictionary<string, DataField>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, field) in columns)
        {
            ignoringCase.TryAdd(name, field);
        }

        foreach (var wanted in projection)
        {
            if ((columns.TryGetValue(wanted.Path.ToString(), out var found) || ignoringCase.TryGetValue(wanted.Path.ToString(), out found)) && Logical(found.ClrType) != Logical(wanted.ClrType) && !IsDate(found, wanted) && !(TimeColumns.UnitOf(found) is not null && wanted is TimeDataField)
                && !(Float16Columns.Is(found) && wanted.ClrType == typeof(float)))
            {
                // Older Spark, Impala and Hive write strings as binary without the STRING annotation; DuckDB reads them as BLOB too.
                var hint = Logical(found.ClrType) == typeof(byte[]) && Logical(wanted.ClrType) == typeof(string)
                    ? " (a BYTE_ARRAY column without the STRING annotation, as older Spark, Impala and Hive write strings: read it into a byte[] member and decode it, e.g. with Encoding.UTF8)"
                    : "";
                var kind = Float16Columns.Is(found) ? "FLOAT16 (read it into a float member)" : Logical(found.ClrType).Name;
                throw new InvalidDataException(
                    $"Parquet input '{path}': column '{wanted.Path}' is {kind} in the file but {typeName} reads it as {Logical(wanted.ClrType).Name}{hint}.");
            }

            if (found is not null)
            {
                read.Add(found);
            }
        }

        return read;
    }

    /// <summary>A DATE column reads as <see cref="DateTime"/> in a file's schema; a <see cref="DateOnly"/> member reads it too (the serializer writes <see cref="DateOnly"/> so).</summary>
    private static bool IsDate(DataField file, DataField wanted) =>
        wanted.ClrType == typeof(DateOnly) && file is DateTimeDataField { DateTimeFormat: DateTimeFormat.Date };

    /// <summary>Strings and byte arrays are read as memory or as arrays (the serializer's schema names the memory types); both are the same column.</summary>
    public static Type Logical(Type type) =>
        type == typeof(ReadOnlyMemory<char>) ? typeof(string) : type == typeof(ReadOnlyMemory<byte>) ? typeof(byte[]) : type;
}
