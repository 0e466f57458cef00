using ActorFlow.Shared;
using Akka.Configuration;

namespace ActorFlow.Kafka.Settings;

/// <summary>
/// INTERNAL API. The checks every Kafka settings value passes, from HOCON or from a <c>With*</c> method. A rejected
/// value throws an <see cref="ArgumentException"/> whose message names the setting (its HOCON key) and the value.
/// </summary>
internal static class SettingsGuard
{
    /// <summary><paramref name="value"/> if it is longer than zero.</summary>
    public static TimeSpan Positive(TimeSpan value, string setting) =>
        value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(setting, value, $"{setting} must be a positive duration, got {value}.");

    /// <summary><paramref name="value"/> if it is 1 or more.</summary>
    public static int AtLeastOne(int value, string setting) =>
        value >= 1 ? value : throw new ArgumentOutOfRangeException(setting, value, $"{setting} must be at least 1, got {value}.");

    /// <summary><paramref name="value"/> if it is neither null, empty nor white space.</summary>
    public static string NotBlank(string? value, string setting) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new ArgumentException($"{setting} must not be empty, got {(value is null ? "null" : $"'{value}'")}.", setting)
            : value;

    /// <summary>
    /// The value of <paramref name="key"/> in <paramref name="section"/> read by <paramref name="read"/>; a value HOCON
    /// cannot read as that type (<c>poll-timeout = banana</c>) throws an <see cref="ArgumentException"/> naming the key
    /// and the value, where HOCON's own error names neither.
    /// </summary>
    public static T Hocon<T>(Config section, string key, Func<Config, string, T> read) =>
        HoconValues.Read(section, key, read, (problem, e) => new ArgumentException($"{key} {problem}.", key, e));

    /// <summary>
    /// Makes settings from the HOCON section at <paramref name="path"/>: a value it refuses is named by its full path
    /// (<c>actorflow.kafka.consumer.poll-timeout must be a positive duration</c>), so that a deployment file's author
    /// finds it; the <c>With*</c> methods name the setting alone.
    /// </summary>
    public static T FromSection<T>(string path, Func<T> create)
    {
        try
        {
            return create();
        }
        catch (ArgumentOutOfRangeException e) when (e.ParamName is { } key && e.Message.StartsWith(key, StringComparison.Ordinal))
        {
            throw new ArgumentOutOfRangeException(key, e.ActualValue, $"{path}.{Unparameterized(e)}");
        }
        catch (ArgumentException e) when (e.ParamName is { } key && e.Message.StartsWith(key, StringComparison.Ordinal))
        {
            throw new ArgumentException($"{path}.{Unparameterized(e)}", key, e);
        }
    }

    // The message without the " (Parameter 'x')" and "Actual value was" lines the exception appends.
    private static string Unparameterized(ArgumentException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" (Parameter '", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    /// <summary><paramref name="value"/> if it is not null.</summary>
    public static T NotNull<T>(T? value, string setting)
        where T : class =>
        value ?? throw new ArgumentNullException(setting, $"{setting} must not be null.");
}
