using System.Reflection;
using global::Parquet;
using global::Parquet.Schema;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Parquet.Net 6.1's serializer reads an empty list as null (DuckDB's <c>[]</c>, which DuckDB, Spark and
/// pyarrow read as empty): after a row group went through it, the rows whose top-level list (or map) column is empty
/// get an empty collection where the serializer left null.
/// </summary>
internal sealed class EmptyCollections<T>
{
    /// <summary>The name of the member a field was made from: Parquet.Net keeps it on the field (not public).</summary>
    private static readonly PropertyInfo? MemberName = typeof(Field).GetProperty("ClrPropName", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance);

    private readonly List<(string Column, PropertyInfo Member)> _members = [];

    public EmptyCollections()
    {
        foreach (var field in typeof(T).GetParquetSchema(false).Fields)
        {
            if (field is ListField or MapField
                && typeof(T).GetProperty(MemberName?.GetValue(field) as string ?? field.Name, BindingFlags.Public | BindingFlags.Instance) is { CanRead: true, SetMethod.IsPublic: true } p
                && (p.PropertyType.IsArray || p.PropertyType.GetConstructor(Type.EmptyTypes) is not null))
            {
                _members.Add((field.Name, p));
            }
        }
    }

    /// <summary>Sets an empty collection on the rows of <paramref name="rows"/> whose column holds an empty one and which the serializer left null.</summary>
    public async Task FillAsync(ParquetReader reader, int rowGroup, IList<T> rows, CancellationToken cancellationToken)
    {
        if (_members.Count == 0)
        {
            return;
        }

        using var group = reader.OpenRowGroupReader(rowGroup);
        foreach (var (column, member) in _members)
        {
            var field = reader.Schema.Fields.FirstOrDefault(f => f.Name == column)
                ?? reader.Schema.Fields.FirstOrDefault(f => string.Equals(f.Name, column, StringComparison.OrdinalIgnoreCase));
            if (field is not (ListField or MapField) || FirstLeaf(field) is not { } leaf)
            {
                continue;
            }

            // A top-level collection is defined (present) at level 1 when optional, 0 when required; an empty one has
            // a single entry at exactly that level, a null one an entry below it.
            var present = field.IsNullable ? 1 : 0;
            using var raw = await group.ReadRawColumnDataBaseAsync(leaf, cancellationToken).ConfigureAwait(false);
            var row = -1;
            for (var i = 0; i < raw.DefinitionLevels.Length; i++)
            {
                if (raw.RepetitionLevels[i] != 0)
                {
                    continue;
                }

                row++;
                if (raw.DefinitionLevels[i] == present && row < rows.Count && rows[row] is { } value && member.GetValue(value) is null)
                {
                    member.SetValue(value, member.PropertyType.IsArray ? Array.CreateInstance(member.PropertyType.GetElementType()!, 0) : Activator.CreateInstance(member.PropertyType));
                }
            }
        }
    }

    private static DataField? FirstLeaf(Field field) => field switch
    {
        DataField d => d,
        ListField l => FirstLeaf(l.Item),
        MapField m => FirstLeaf(m.Key),
        StructField s => s.Fields.Select(FirstLeaf).FirstOrDefault(f => f is not null),
        _ => null,
    };
}
