using System.Reflection;
using global::Parquet.Schema;

namespace ActorFlow.Parquet.Internal;

/// <summary>INTERNAL API. Members of a C# record type that Parquet.Net 6.1 maps wrongly, found before a sink or source uses the type.</summary>
internal static class ClrMembers
{
    private static readonly PropertyInfo? ClrPropName = typeof(Field).GetProperty("ClrPropName", BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance);

    /// <summary>The name of the member a field of a type's Parquet schema was made from (Parquet.Net keeps it on the field, not public), or null.</summary>
    public static string? MemberNameOf(Field field) => ClrPropName?.GetValue(field) as string;

    /// <summary>
    /// Why <paramref name="root"/> cannot be landed or read, naming the first member (<c>Outer.Inner[].When</c>) whose
    /// type is a <see cref="DateTimeOffset"/> or <see cref="TimeSpan"/> (Parquet.Net maps neither: it would land a
    /// struct of their properties, which no reader makes a time of, and cannot read it back), or a
    /// <see cref="TimeOnly"/> when <paramref name="timeOnly"/> (Parquet.Net 6.1 stores its ticks where TIME(MICROS)
    /// means microseconds); null when there is none.
    /// </summary>
    public static string? Unsupported(Type root, bool timeOnly)
    {
        var seen = new HashSet<Type>();
        return Find(root, "");

        string? Find(Type type, string path)
        {
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type == typeof(DateTimeOffset))
            {
                return $"member '{path}' is a DateTimeOffset, which Parquet.Net 6 does not map: use a DateTime in UTC (a TIMESTAMP column, read as DateTimeKind.Utc)";
            }

            if (type == typeof(TimeSpan))
            {
                return $"member '{path}' is a TimeSpan, which Parquet.Net 6 does not map (it would be a struct of the TimeSpan's properties): use a long (e.g. its ticks or milliseconds)";
            }

            if (timeOnly && type == typeof(TimeOnly))
            {
                return $"member '{path}' is a TimeOnly, which Parquet.Net 6.1's serializer stores and reads as ticks where a TIME(MICROS) column holds microseconds (ten times off against every other tool)";
            }

            if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(Guid) || type == typeof(DateTime)
                || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(byte[]) || !seen.Add(type))
            {
                return null;
            }

            if (type.IsArray)
            {
                return Find(type.GetElementType()!, path + "[]");
            }

            if (Generic(type, typeof(IDictionary<,>)) is [_, var value])
            {
                return Find(value, path + "{}");
            }

            if (Generic(type, typeof(IEnumerable<>)) is [var element])
            {
                return Find(element, path + "[]");
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                if (property.GetIndexParameters().Length == 0 && !Ignored(property) && Find(property.PropertyType, path.Length == 0 ? property.Name : path + "." + property.Name) is { } found)
                {
                    return found;
                }
            }

            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
            {
                if (!Ignored(field) && Find(field.FieldType, path.Length == 0 ? field.Name : path + "." + field.Name) is { } found)
                {
                    return found;
                }
            }

            return null;
        }
    }

    /// <summary>Members Parquet.Net leaves out (<c>[ParquetIgnore]</c>, <c>[JsonIgnore]</c>).</summary>
    private static bool Ignored(MemberInfo member) =>
        member.IsDefined(typeof(global::Parquet.Serialization.Attributes.ParquetIgnoreAttribute)) || member.IsDefined(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute));

    private static Type[]? Generic(Type type, Type generic) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == generic ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic))?.GetGenericArguments();
}
