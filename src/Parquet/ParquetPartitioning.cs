using System.Globalization;
using System.Text;

namespace ActorFlow.Parquet;

/// <summary>Hive-style partition directories (<c>name=value</c>), as Spark, Hive, Flink and DuckDB read them.</summary>
public static class ParquetPartitioning
{
    /// <summary>The value Hive writes for a null partition value.</summary>
    public const string NullValue = "__HIVE_DEFAULT_PARTITION__";

    /// <summary>
    /// <c>name=value</c> from a field of the record, the value written as Hive and Spark write partition values (a
    /// date <c>2026-11-25</c>, a timestamp <c>2026-11-25 13:05:00</c> in UTC, a boolean <c>true</c>, numbers in the
    /// invariant culture), so that DuckDB and Spark infer the column's type from it, and escaped as Hive escapes a path
    /// segment (<c>/</c> → <c>%2F</c>, <c>:</c> → <c>%3A</c>). A null or empty value is <see cref="NullValue"/>.
    /// </summary>
    public static Func<T, string> ByField<T>(string name, Func<T, object?> value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(value);
        var prefix = Escape(name) + "=";
        return record => prefix + (value(record) is { } v ? Escape(Format(v)) : NullValue);
    }

    /// <summary>A partition value as Hive and Spark write it (their casts to string).</summary>
    private static string Format(object value) => value switch
    {
        bool b => b ? "true" : "false",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => (t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset o => o.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

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
