using System.Globalization;
using System.Reflection;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Sets a row's members from the Hive <c>name=value</c> directories of its file, as Spark, DuckDB
/// (<c>hive_partitioning</c>) and pyarrow datasets make partition columns of them: writers (DuckDB's
/// <c>PARTITION_BY</c>, Spark's <c>partitionBy</c>) leave these columns out of the files. A member matches a directory
/// name exactly, or else ignoring case (<c>dt</c> → <c>Dt</c>); a column the file holds wins over the directory.
/// </summary>
internal sealed class HivePartitionColumns<T>
{
    private readonly Dictionary<string, (Type Type, Action<object, object?> Set)> _members;

    public HivePartitionColumns()
    {
        _members = new Dictionary<string, (Type, Action<object, object?>)>(StringComparer.Ordinal);
        foreach (var p in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0 && Convertible(p.PropertyType))
            {
                _members[p.Name] = (p.PropertyType, p.SetValue);
            }
        }

        foreach (var f in typeof(T).GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!f.IsInitOnly && Convertible(f.FieldType))
            {
                _members.TryAdd(f.Name, (f.FieldType, f.SetValue));
            }
        }
    }

    /// <summary>
    /// What sets a row of the file at <paramref name="relativePath"/> from its directories, or null when no directory
    /// names a member the file lacks; fails (<see cref="InvalidDataException"/>) on a value the member's type cannot hold.
    /// </summary>
    public Action<object>? For(string relativePath, ISet<string> fileColumns)
    {
        var sets = new List<(Action<object, object?> Set, object? Value)>();
        foreach (var (name, text) in HivePartitions.Of(relativePath))
        {
            var member = _members.TryGetValue(name, out var exact) ? (name, exact.Type, exact.Set)
                : _members.FirstOrDefault(m => string.Equals(m.Key, name, StringComparison.OrdinalIgnoreCase)) is { Key: not null } other ? (other.Key, other.Value.Type, other.Value.Set)
                : default;
            if (member.Set is null || fileColumns.Contains(member.Item1))
            {
                continue;
            }

            sets.Add((member.Set, Parse(text, member.Type, name)));
        }

        return sets.Count == 0 ? null : row => sets.ForEach(s => s.Set(row, s.Value));
    }

    private static bool Convertible(Type type)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        return t == typeof(string) || t.IsEnum || t == typeof(bool) || t == typeof(byte) || t == typeof(sbyte) || t == typeof(short) || t == typeof(ushort)
            || t == typeof(int) || t == typeof(uint) || t == typeof(long) || t == typeof(ulong) || t == typeof(float) || t == typeof(double)
            || t == typeof(decimal) || t == typeof(DateOnly) || t == typeof(DateTime) || t == typeof(Guid);
    }

    private static object? Parse(string text, Type type, string name)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (text == ParquetPartitioning.NullValue)
        {
            // Hive's, Spark's and DuckDB's null partition: a null, as a null column value; a member that cannot hold
            // one fails the file as a null in a required member does (it read as 0, false or 0001-01-01 before).
            return underlying is not null || !type.IsValueType
                ? null
                : throw new InvalidDataException($"the partition directory '{name}={text}' is a null partition, and the member '{name}' ({type.Name}) cannot hold a null: make it nullable");
        }

        var t = underlying ?? type;
        try
        {
            return t == typeof(string) ? text
                : t.IsEnum ? Enum.Parse(t, text, ignoreCase: true)
                : t == typeof(DateOnly) ? DateOnly.Parse(text, CultureInfo.InvariantCulture)
                : t == typeof(DateTime) ? DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal)
                : t == typeof(Guid) ? Guid.Parse(text)
                : Convert.ChangeType(text, t, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new InvalidDataException($"the partition directory '{name}={text}' does not hold a {t.Name} ({e.Message})", e);
        }
    }
}
