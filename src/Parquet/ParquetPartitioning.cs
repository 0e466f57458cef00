using System.Globalization;
using System.Text;

namespace ActorFlow.Parquet;

/// <summary>Hive-style partition directories (<c>name=value</c>), as Spark, Hive, Flink and DuckDB read them.</summary>
public static class ParquetPartitioning
{
    /// <summary>The value Hive writes for a null partition value.</summary>
    public const string NullValue = "__HIVE_DEFAULT_PARTITION__";

    /// <summary><c>name=value</c> from a field of the record; the value is escaped as Hive does (<c>/</c> → <c>%2F</c>).</summary>
    public static Func<T, string> ByField<T>(string name, Func<T, object?> value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        var prefix = Escape(name) + "=";
        return record => prefix + (value(record) is { } v ? Escape(Convert.ToString(v, CultureInfo.InvariantCulture) ?? "") : NullValue);
    }

    /// <summary>
    /// <c>dt=yyyy-MM-dd/hour=HH</c> (UTC) from the record's event time in epoch milliseconds (or <c>dt=yyyy-MM-dd</c>
    /// alone when <paramref name="hourly"/> is false).
    /// </summary>
    public static Func<T, string> ByEventTime<T>(Func<T, long> timestamp, bool hourly = true)
    {
        ArgumentNullException.ThrowIfNull(timestamp);
        return record =>
        {
            var t = DateTimeOffset.FromUnixTimeMilliseconds(timestamp(record)).UtcDateTime;
            return hourly
                ? string.Create(CultureInfo.InvariantCulture, $"dt={t:yyyy-MM-dd}/hour={t:HH}")
                : string.Create(CultureInfo.InvariantCulture, $"dt={t:yyyy-MM-dd}");
        };
    }

    /// <summary>Nests <paramref name="inner"/> below <paramref name="outer"/> (e.g. a field, then event time).</summary>
    public static Func<T, string> Then<T>(this Func<T, string> outer, Func<T, string> inner)
    {
        ArgumentNullException.ThrowIfNull(outer);
        ArgumentNullException.ThrowIfNull(inner);
        return record => outer(record) + "/" + inner(record);
    }

    /// <summary>Hive's escaping of a path segment: control characters and <c>"#%'*/:=?\{[]^</c> as <c>%XX</c>.</summary>
    public static string Escape(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        if (segment.Length == 0)
        {
            return NullValue;
        }

        StringBuilder? escaped = null;
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (c < ' ' || c == 0x7F || "\"#%'*/:=?\\{[]^".Contains(c, StringComparison.Ordinal))
            {
                escaped ??= new StringBuilder(segment, 0, i, segment.Length + 8);
                escaped.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                escaped?.Append(c);
            }
        }

        return escaped?.ToString() ?? segment;
    }

    /// <summary>Undoes <see cref="Escape"/>.</summary>
    public static string Unescape(string segment)
    {
        ArgumentNullException.ThrowIfNull(segment);
        return Uri.UnescapeDataString(segment);
    }
}
