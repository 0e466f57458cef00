using global::Parquet;
using global::Parquet.Schema;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Parquet.Net 6.1's serializer drops a null element of a list (DuckDB's <c>[1, NULL, 2]</c> reads as
/// <c>[1, 2]</c>): before a row group goes through it, the lists of nullable elements a class reads are checked, and
/// one holding a null fails the row group instead of reading shorter.
/// </summary>
internal static class NullListElements
{
    /// <summary>The leaf fields of the file's lists of nullable values that <paramref name="projection"/> reads.</summary>
    public static List<DataField> Of(ParquetSchema file, IEnumerable<DataField> projection)
    {
        var wanted = projection.Select(f => f.Path.ToString()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var found = new List<DataField>();
        Walk(file.Fields);
        return found;

        void Walk(IEnumerable<Field> fields)
        {
            foreach (var field in fields)
            {
                switch (field)
                {
                    case ListField { Item: DataField { IsNullable: true } item } when wanted.Contains(item.Path.ToString()):
                        found.Add(item);
                        break;
                    case ListField list:
                        Walk([list.Item]);
                        break;
                    case StructField s:
                        Walk(s.Fields);
                        break;
                    case MapField m:
                        Walk([m.Key, m.Value]);
                        break;
                }
            }
        }
    }

    /// <summary>Fails with <see cref="InvalidDataException"/> when a list of nullable elements the projection reads holds a null element in the row group.</summary>
    public static async Task ThrowIfAnyAsync(ParquetReader reader, int rowGroup, IEnumerable<DataField> projection, CancellationToken cancellationToken)
    {
        var lists = Of(reader.Schema, projection);
        if (lists.Count == 0)
        {
            return;
        }

        using var group = reader.OpenRowGroupReader(rowGroup);
        foreach (var item in lists)
        {
            using var raw = await group.ReadRawColumnDataBaseAsync(item, cancellationToken).ConfigureAwait(false);
            if (raw.DefinitionLevels.Contains(item.MaxDefinitionLevel - 1))
            {
                throw new InvalidDataException(
                    $"column '{item.Path}' holds a null list element, which Parquet.Net 6.1's serializer drops (the list would read shorter); the source reads lists without null elements only");
            }
        }
    }
}
