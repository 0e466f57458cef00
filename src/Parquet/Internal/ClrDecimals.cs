using System.Collections;
using System.Globalization;
using System.Reflection;
using global::Parquet.Schema;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. Checks the decimals of a C# record against their column's DECIMAL(p, s) (38, 18 unless a
/// <c>[ParquetDecimal]</c> attribute says otherwise), in nested classes, lists and dictionary values too: Parquet.Net
/// fails the whole row group on a value whose integer part does not fit (or writes an unscaled value wider than the
/// precision), so such a record is refused instead, naming the member. Fraction digits past the scale are dropped by
/// Parquet.Net (truncated), as before.
/// </summary>
internal static class ClrDecimals
{
    /// <summary>A check of <paramref name="type"/>'s decimals, or null when it has none (or Parquet.Net cannot map the type: its serializer then reports that).</summary>
    public static Action<object>? TryCheckerFor(Type type)
    {
        try
        {
            return For(type, type.GetParquetSchema(false).Fields, "");
        }
        catch (Exception e) when (e is NotSupportedException or InvalidOperationException or ArgumentException or AmbiguousMatchException)
        {
            return null;
        }
    }

    private static Action<object>? For(Type type, IEnumerable<Field> fields, string prefix)
    {
        var checks = new List<Action<object>>();
        foreach (var field in fields)
        {
            var name = ClrMembers.MemberNameOf(field) ?? field.Name;
            Func<object, object?>? get = null;
            var memberType = typeof(object);
            if (type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is { CanRead: true } p && p.GetIndexParameters().Length == 0)
            {
                (get, memberType) = (p.GetValue, p.PropertyType);
            }
            else if (type.GetField(name, BindingFlags.Public | BindingFlags.Instance) is { } f)
            {
                (get, memberType) = (f.GetValue, f.FieldType);
            }

            if (get is not null && ValueCheck(field, memberType, prefix + field.Name) is { } check)
            {
                checks.Add(record =>
                {
                    if (get(record) is { } value)
                    {
                        check(value);
                    }
                });
            }
        }

        return checks.Count == 0 ? null : record => checks.ForEach(c => c(record));
    }

    private static Action<object>? ValueCheck(Field field, Type clrType, string path)
    {
        switch (field)
        {
            case DecimalDataField d:
                return value => Fit((decimal)value, d.Precision, d.Scale, path);
            case StructField s:
                return For(Nullable.GetUnderlyingType(clrType) ?? clrType, s.Fields, path + ".");
            case ListField l when ElementOf(clrType, typeof(IEnumerable<>)) is [var element] && ValueCheck(l.Item, element, path + "[]") is { } item:
                return value => Each((IEnumerable)value, item);
            case MapField m when ElementOf(clrType, typeof(IDictionary<,>)) is [_, var valueType] && ValueCheck(m.Value, valueType, path + "{}") is { } mapValue:
                return value => Each(((IDictionary)value).Values, mapValue);
            default:
                return null;
        }
    }

    private static void Each(IEnumerable values, Action<object> check)
    {
        foreach (var value in values)
        {
            if (value is not null)
            {
                check(value);
            }
        }
    }

    private static Type[]? ElementOf(Type type, Type generic) =>
        type.IsArray && generic == typeof(IEnumerable<>)
            ? [type.GetElementType()!]
            : (type.IsGenericType && type.GetGenericTypeDefinition() == generic ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic))?.GetGenericArguments();

    private static void Fit(decimal value, int precision, int scale, string path)
    {
        // A decimal has at most 29 integer digits: a column with more always fits.
        if (precision - scale < 29 && Math.Abs(decimal.Truncate(value)) >= Pow10(precision - scale))
        {
            throw new RecordDoesNotFitException(
                $"member '{path}': {value.ToString(CultureInfo.InvariantCulture)} does not fit decimal({precision}, {scale}) (a C# decimal lands as decimal(38, 18) unless [ParquetDecimal(precision, scale)] says otherwise)");
        }
    }

    private static decimal Pow10(int exponent)
    {
        var result = 1m;
        for (var i = 0; i < exponent; i++)
        {
            result *= 10;
        }

        return result;
    }
}
