using System.Runtime.CompilerServices;
using global::Parquet;
using global::Parquet.Meta;
using global::Parquet.Schema;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. FLOAT16 columns (the format's half-precision float: FIXED_LEN_BYTE_ARRAY(2), little-endian IEEE 754,
/// written by Arrow and pyarrow for <c>float16</c>), which Parquet.Net 6.1 cannot open: it maps them to
/// <see cref="Half"/>, which its fields refuse, so the whole file failed whatever columns were read. The file's schema
/// element loses its FLOAT16 annotation before Parquet.Net decodes the schema (its column reads as the raw two bytes);
/// the column's path is kept per reader, and every field of that path in the reader's schema
/// (<see cref="SchemaOf"/>) is marked, so the readers convert its values to <see cref="float"/> as DuckDB reads them
/// (a class's <c>float</c> member, an Avro <c>float</c> or <c>double</c>) and pushdown compares its statistics as floats.
/// </summary>
internal static class Float16Columns
{
    private static readonly ConditionalWeakTable<ParquetReader, HashSet<string>> Paths = [];
    private static readonly ConditionalWeakTable<DataField, object> Marked = [];
    private static readonly object Mark = new();

    /// <summary>Takes the FLOAT16 annotation off the reader's schema elements (before anything asks for its schema), keeping their paths.</summary>
    public static void Demote(ParquetReader reader)
    {
        if (reader.Metadata is not { Schema.Count: > 0 } meta || !meta.Schema.Any(e => e.LogicalType?.FLOAT16 is not null))
        {
            return;
        }

        var paths = new HashSet<string>(StringComparer.Ordinal);
        var names = new List<string>();
        var index = 1;
        Walk(meta.Schema, ref index, meta.Schema[0].NumChildren ?? 0, names, paths);
        Paths.AddOrUpdate(reader, paths);
    }

    /// <summary>The reader's schema, its FLOAT16 columns' fields marked (see <see cref="Is"/>).</summary>
    public static ParquetSchema SchemaOf(ParquetReader reader)
    {
        var schema = reader.Schema;
        if (Paths.TryGetValue(reader, out var paths))
        {
            foreach (var field in schema.GetDataFields())
            {
                if (paths.Contains(field.Path.ToString()))
                {
                    Marked.AddOrUpdate(field, Mark);
                }
            }
        }

        return schema;
    }

    /// <summary>Whether <paramref name="field"/> is a FLOAT16 column's (its values the raw two bytes).</summary>
    public static bool Is(DataField field) => Marked.TryGetValue(field, out _);

    /// <summary>A FLOAT16 value's two little-endian bytes as a float.</summary>
    public static float ToSingle(ReadOnlySpan<byte> bytes) =>
        bytes.Length == 2 ? (float)BitConverter.ToHalf(bytes) : throw new InvalidDataException($"a FLOAT16 value holds {bytes.Length} bytes, not 2");

    /// <summary>A FLOAT16 value as a float (for compiled converters).</summary>
    public static float ToSingle(ReadOnlyMemory<byte> bytes) => ToSingle(bytes.Span);

    private static void Walk(List<SchemaElement> schema, ref int index, int count, List<string> names, HashSet<string> paths)
    {
        for (var c = 0; c < count && index < schema.Count; c++)
        {
            var at = index++;
            var element = schema[at];

            // Parquet.Net's paths leave out empty names (the groups LegacyLists adds).
            var named = !string.IsNullOrEmpty(element.Name);
            if (named)
            {
                names.Add(element.Name);
            }

            if (element.NumChildren is > 0)
            {
                Walk(schema, ref index, element.NumChildren.Value, names, paths);
            }
            else if (element.LogicalType?.FLOAT16 is not null && element.Type == global::Parquet.Meta.Type.FIXED_LEN_BYTE_ARRAY)
            {
                schema[at] = new SchemaElement
                {
                    Type = element.Type,
                    TypeLength = element.TypeLength,
                    RepetitionType = element.RepetitionType,
                    Name = element.Name,
                    FieldId = element.FieldId,
                };
                paths.Add(string.Join('/', names)); // Parquet.Net's FieldPath.ToString()
            }

            if (named)
            {
                names.RemoveAt(names.Count - 1);
            }
        }
    }
}
