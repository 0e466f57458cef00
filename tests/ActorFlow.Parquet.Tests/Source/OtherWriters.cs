using System.Collections;
using System.Globalization;
using Avro;

namespace ActorFlow.Parquet.Tests.Source;

/// <summary>The files of other writers (Fixtures/other-writers/README.md) and the text their rows are compared by.</summary>
internal static class OtherWriters
{
    /// <summary>Gets the directory of the fixtures.</summary>
    public static string Fixtures { get; } = Path.Combine(AppContext.BaseDirectory, "Fixtures", "other-writers");

    /// <summary>A row as text: lists and maps element by element, floating point round-trippable, decimals normalized, bytes as hex (DuckDB's <c>hex()</c>).</summary>
    public static string Text(object?[] row) => string.Join(" | ", row.Select(Value));

    private static string Value(object? value) => value switch
    {
        null or DBNull => "<null>",
        string s => s,
        bool b => b ? "true" : "false",
        byte[] b => Convert.ToHexString(b),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        decimal m => m.ToString("0.############################", CultureInfo.InvariantCulture),
        AvroDecimal a => Value(a.ToType<decimal>()),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        TimeSpan t => TimeOnly.FromTimeSpan(t).ToString("HH:mm:ss.fffffff", CultureInfo.InvariantCulture),
        IDictionary map => "{" + string.Join(", ", map.Keys.Cast<object>().Select(k => $"{Value(k)}={Value(map[k])}")) + "}",
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>().Select(Value)) + "]",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
