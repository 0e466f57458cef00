using System.Text.RegularExpressions;
using Akka.Event;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;
using LogMessage = Confluent.Kafka.LogMessage;

namespace ActorFlow.Kafka.Internal;

/// <summary>
/// INTERNAL API. Where librdkafka's log and error callbacks go: to Akka logging (the stage's log source), or
/// to standard error when the client was built outside an actor system. Rate-limited: a message (compared with its
/// numbers masked, so "after 3ms" and "after 5ms" are one message) is written at most once per
/// <see cref="Interval"/>; the next one written says how many were suppressed in between. An unreachable broker
/// makes librdkafka repeat the same few lines many times a second.
/// </summary>
internal sealed partial class KafkaClientLog
{
    /// <summary>The shortest time between two writes of one message.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private const int MaxTracked = 1024;
    private static readonly KafkaClientLog StandardError = new(null, TimeProvider.System);
    private readonly ILoggingAdapter? _log;
    private readonly TimeProvider _clock;
    private readonly Dictionary<string, (long LastWritten, int Suppressed)> _seen = new(StringComparer.Ordinal);

    internal KafkaClientLog(ILoggingAdapter? log, TimeProvider clock)
    {
        _log = log;
        _clock = clock;
    }

    /// <summary>The log of a client built by a stage, to the stage's <paramref name="log"/> (standard error when null).</summary>
    public static KafkaClientLog For(ILoggingAdapter? log) =>
        log is null ? StandardError : new KafkaClientLog(log, TimeProvider.System);

    /// <summary>For <c>SetLogHandler</c>.</summary>
    public void OnLog(IClient client, LogMessage message)
    {
        // The exactly-once sink sets enable.gapless.guarantee on purpose (a failed batch must stop its producer), and
        // librdkafka warns at every such producer's start that the property is experimental: not a problem to report.
        if (message.Facility == "CONFWARN" && message.Message.Contains("enable.gapless.guarantee is experimental", StringComparison.Ordinal))
        {
            return;
        }

        Write(Level(message.Level), $"{message.Name} {message.Facility}: {message.Message}");
    }

    /// <summary>For <c>SetErrorHandler</c>: a non-fatal error is a warning (the client retries), a fatal one an error.</summary>
    public void OnError(IClient client, Error error) =>
        Write(error.IsFatal ? LogLevel.ErrorLevel : LogLevel.WarningLevel, $"{client.Name}: {error.Code}: {error.Reason}");

    /// <summary>Writes <paramref name="text"/> unless the same message was written less than <see cref="Interval"/> ago.</summary>
    internal void Write(LogLevel level, string text)
    {
        var key = Numbers().Replace(text, "#");
        var now = _clock.GetTimestamp();
        int suppressed;
        lock (_seen)
        {
            if (_seen.TryGetValue(key, out var seen) && _clock.GetElapsedTime(seen.LastWritten, now) < Interval)
            {
                _seen[key] = (seen.LastWritten, seen.Suppressed + 1);
                return;
            }

            suppressed = seen.Suppressed;
            if (_seen.Count >= MaxTracked)
            {
                _seen.Clear(); // a flood of distinct messages: forget the old ones rather than grow
            }

            _seen[key] = (now, 0);
        }

        var line = suppressed > 0 ? $"librdkafka: {text} ({suppressed} more like it in the last {Interval.TotalSeconds:0} s suppressed)" : "librdkafka: " + text;
        if (_log is null)
        {
            Console.Error.WriteLine(line);
        }
        else
        {
            switch (level)
            {
                case LogLevel.ErrorLevel:
                    _log.Error("{0}", line);
                    break;
                case LogLevel.WarningLevel:
                    _log.Warning("{0}", line);
                    break;
                case LogLevel.InfoLevel:
                    _log.Info("{0}", line);
                    break;
                default:
                    _log.Debug("{0}", line);
                    break;
            }
        }
    }

    private static LogLevel Level(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical or SyslogLevel.Error => LogLevel.ErrorLevel,
        SyslogLevel.Warning => LogLevel.WarningLevel,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.InfoLevel,
        _ => LogLevel.DebugLevel,
    };

    [GeneratedRegex("[0-9]+")]
    private static partial Regex Numbers();
}
