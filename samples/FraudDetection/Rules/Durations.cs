using System.Globalization;
using System.Text.RegularExpressions;

namespace FraudDetection.Rules;

/// <summary>
/// Durations as the command line writes them: <c>90s</c>, <c>1m</c>, <c>60000ms</c>, <c>2h</c>, <c>0</c>, or
/// <c>hh:mm:ss</c> (<c>00:01:30</c>, also <c>d.hh:mm:ss.fff</c>: the form <c>--help</c> prints the defaults in).
/// </summary>
public static partial class Durations
{
    /// <summary>Parses a duration.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The duration.</returns>
    /// <exception cref="FormatException">Not a number with a unit (ms, s, m, h), nor hh:mm:ss, or negative.</exception>
    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        if (trimmed == "0")
        {
            return TimeSpan.Zero;
        }

        if (ClockPattern().IsMatch(trimmed) && TimeSpan.TryParseExact(trimmed, "c", CultureInfo.InvariantCulture, out var clock))
        {
            return clock;
        }

        var match = DurationPattern().Match(trimmed);
        if (!match.Success || !long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            throw new FormatException($"'{text}' is not a duration: write a whole number with a unit, e.g. 90s, 1m, 60000ms, 2h, or hh:mm:ss, e.g. 00:01:30");
        }

        return match.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            _ => TimeSpan.FromHours(value),
        };
    }

    /// <summary>The shortest exact form: 1m, 90s, 1500ms.</summary>
    /// <param name="millis">The duration in milliseconds.</param>
    /// <returns>The text.</returns>
    public static string Format(long millis) => millis switch
    {
        0 => "0",
        _ when millis % 3_600_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{millis / 3_600_000}h"),
        _ when millis % 60_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{millis / 60_000}m"),
        _ when millis % 1_000 == 0 => string.Create(CultureInfo.InvariantCulture, $"{millis / 1_000}s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{millis}ms"),
    };

    [GeneratedRegex("^([0-9]+)(ms|s|m|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    // TimeSpan's constant ("c") form, as TimeSpan.ToString() writes it: [d.]hh:mm:ss[.fffffff], never negative.
    [GeneratedRegex(@"^([0-9]+\.)?[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?$", RegexOptions.CultureInvariant)]
    private static partial Regex ClockPattern();
}
