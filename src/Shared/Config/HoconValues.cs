using Akka.Configuration;

namespace ActorFlow.Shared;

/// <summary>
/// INTERNAL API. Reads one HOCON value as its type; a value HOCON cannot read so (<c>poll-timeout = banana</c>,
/// <c>retained = three</c>) fails with the exception <c>fail</c> makes of a message naming the value and the type
/// expected, where HOCON's own error names neither (ActorFlow.Kafka's and ActorFlow.Persistence's settings).
/// </summary>
internal static class HoconValues
{
    /// <summary>
    /// <paramref name="read"/>(<paramref name="section"/>, <paramref name="key"/>); on a value it cannot read,
    /// throws <paramref name="fail"/>("must be a …, got '…' (…)", HOCON's error).
    /// </summary>
    public static T Read<T>(Config section, string key, Func<Config, string, T> read, Func<string, Exception, Exception> fail)
    {
        try
        {
            return read(section, key);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ConfigurationException or InvalidCastException)
        {
            string? raw;
            try
            {
                raw = section.GetString(key);
            }
            catch (Exception)
            {
                raw = null;
            }

            var kind = typeof(T) == typeof(TimeSpan) ? "a duration (e.g. 500ms, 30s)"
                : typeof(T) == typeof(int) ? "a whole number"
                : typeof(T) == typeof(bool) ? "on or off"
                : $"a {typeof(T).Name}";
            throw fail($"must be {kind}, got {(raw is null ? "a value HOCON cannot read" : $"'{raw}'")} ({e.Message})", e);
        }
    }
}
