using global::Parquet;
using global::Parquet.Meta;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Makes Parquet.Net 6.1 decode the list shapes of the format's backward-compatibility rules
/// (<c>LogicalTypes.md</c>, "Lists") as parquet-java, Arrow and DuckDB do. Parquet.Net reads a repeated group inside a
/// LIST group always as the standard 3-level container and takes its first child for the element, so a 2-level list of
/// records (parquet-avro's default <c>write-old-list-structure</c>: <c>repeated group array { a; b }</c>) lost every
/// field but the first and misplaced the rest; a repeated group outside LIST and MAP with several fields (protobuf's
/// repeated messages, parquet-testing's <c>repeated_no_annotation.parquet</c>) failed the whole file ("Implicit list with
/// multiple children is currently not supported").
/// <para>
/// The file's schema elements are rewritten before Parquet.Net decodes them into its fields, into the standard shape
/// with the same definition and repetition levels: a LIST group <c>{ repeated group "" { required group R { … } } }</c>
/// where the repeated group <c>R</c> is itself the (required) element, and a required LIST group of required records
/// for an unannotated repeated group of several fields. The added groups are unnamed, and Parquet.Net's paths leave out empty names, so
/// every column keeps the path of its column chunk (<c>tags.array.a</c>). Parquet.Net's column reader finds a chunk's
/// schema element by that path in the tree it built from the file's own elements before the rewrite.
/// </para>
/// </summary>
internal static class LegacyLists
{
    /// <summary>Opens <paramref name="file"/> with its legacy list shapes rewritten (see the class).</summary>
    public static async Task<ParquetReader> OpenAsync(string file, CancellationToken cancellationToken)
    {
        var reader = await ParquetReader.CreateAsync(file, cancellationToken: cancellationToken).ConfigureAwait(false);
        Normalize(reader);
        return reader;
    }

    /// <summary>Opens <paramref name="stream"/> (left open) with its legacy list shapes rewritten (see the class).</summary>
    public static async Task<ParquetReader> OpenAsync(Stream stream, CancellationToken cancellationToken)
    {
        var reader = await ParquetReader.CreateAsync(stream, leaveStreamOpen: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        Normalize(reader);
        return reader;
    }

    /// <summary>Rewrites the reader's schema elements in place, before anything asks for its <c>Schema</c> (and takes FLOAT16 annotations off, see <see cref="Float16Columns"/>).</summary>
    public static void Normalize(ParquetReader reader)
    {
        if (reader.Metadata is { Schema.Count: > 0 } meta && Rewrite(meta.Schema) is { } rewritten)
        {
            meta.Schema = rewritten;
        }

        Float16Columns.Demote(reader);
    }

    /// <summary>
    /// The elements in the standard shapes, or null when the schema has no legacy list of groups (or its groups do not
    /// add up to its elements: then Parquet.Net decodes it, or reports it, as it is).
    /// </summary>
    internal static List<SchemaElement>? Rewrite(List<SchemaElement> schema)
    {
        var output = new List<SchemaElement>(schema.Count + 8) { schema[0] };
        var index = 1;
        var changed = false;
        return Children(schema, ref index, schema[0], output, ref changed) && index == schema.Count && changed ? output : null;
    }

    private static bool Children(List<SchemaElement> schema, ref int index, SchemaElement parent, List<SchemaElement> output, ref bool changed)
    {
        var count = parent.NumChildren ?? 0;
        for (var c = 0; c < count; c++)
        {
            if (index >= schema.Count)
            {
                return false;
            }

            var element = schema[index++];
            if (!Node(schema, ref index, element, parent, output, ref changed))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Writes <paramref name="element"/> (taken from the schema, its children next) and its children.</summary>
    private static bool Node(List<SchemaElement> schema, ref int index, SchemaElement element, SchemaElement parent, List<SchemaElement> output, ref bool changed)
    {
        if (!IsGroup(element))
        {
            output.Add(element);
            return true;
        }

        if (IsList(element) && element.NumChildren == 1 && index < schema.Count && schema[index] is var repeated
            && IsGroup(repeated) && repeated.RepetitionType == FieldRepetitionType.REPEATED && IsElement(schema, index, element.Name))
        {
            // A 2-level list of groups: the repeated group is the element (rules 2 and 3).
            index++;
            output.Add(element);
            output.Add(Container());
            changed = true;
            return Node(schema, ref index, Copy(repeated, FieldRepetitionType.REQUIRED), element, output, ref changed);
        }

        if (element.RepetitionType == FieldRepetitionType.REPEATED && element.NumChildren > 1 && !IsList(parent) && !IsMap(parent) && !IsList(element) && !IsMap(element))
        {
            // A repeated group of several fields outside LIST and MAP: a required list of required records. (One of a
            // single field stays as Parquet.Net and DuckDB read it, a list of that field; parquet-java and Arrow read a
            // list of one-field records.)
            var list = Copy(element, FieldRepetitionType.REQUIRED);
            list.NumChildren = 1;
            list.ConvertedType = ConvertedType.LIST;
            output.Add(list);
            output.Add(Container());
            output.Add(new SchemaElement { Name = string.Empty, RepetitionType = FieldRepetitionType.REQUIRED, NumChildren = element.NumChildren });
            changed = true;
            return Children(schema, ref index, element, output, ref changed);
        }

        output.Add(element);
        return Children(schema, ref index, element, output, ref changed);
    }

    /// <summary>
    /// Whether a LIST group's repeated group is the element itself: it has several fields, or its one field is
    /// repeated (parquet-java, Arrow), or it is named <c>array</c> (parquet-avro) or <c>&lt;list&gt;_tuple</c> (parquet-thrift).
    /// </summary>
    private static bool IsElement(List<SchemaElement> schema, int at, string listName) =>
        schema[at].NumChildren > 1
        || (at + 1 < schema.Count && schema[at + 1].RepetitionType == FieldRepetitionType.REPEATED)
        || schema[at].Name == "array"
        || schema[at].Name == listName + "_tuple";

    private static SchemaElement Container() =>
        new() { Name = string.Empty, RepetitionType = FieldRepetitionType.REPEATED, NumChildren = 1 };

    private static SchemaElement Copy(SchemaElement element, FieldRepetitionType repetition) => new()
    {
        Type = element.Type,
        TypeLength = element.TypeLength,
        RepetitionType = repetition,
        Name = element.Name,
        NumChildren = element.NumChildren,
        ConvertedType = element.ConvertedType,
        Scale = element.Scale,
        Precision = element.Precision,
        FieldId = element.FieldId,
        LogicalType = element.LogicalType,
    };

    private static bool IsGroup(SchemaElement element) => element.Type is null && element.NumChildren is > 0;

    private static bool IsList(SchemaElement element) => element.LogicalType?.LIST is not null || element.ConvertedType == ConvertedType.LIST;

    private static bool IsMap(SchemaElement element) =>
        element.LogicalType?.MAP is not null || element.ConvertedType is ConvertedType.MAP or ConvertedType.MAP_KEY_VALUE;
}
