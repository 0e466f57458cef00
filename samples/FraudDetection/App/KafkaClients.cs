using Confluent.Kafka;

namespace FraudDetection.App;

/// <summary>
/// The app's own Kafka clients (the input writer, the offsets and lag probes, beside the job's): librdkafka's log lines
/// go to standard error at most one every 10 s (a broker that cannot be reached made ~8 lines a second), and a broker
/// given by <c>--bootstrap-servers</c> is checked once at start, so that an address nobody answers at ends the app with
/// one line naming it.
/// </summary>
public static class KafkaClients
{
    private static readonly object Gate = new();
    private static long _lastLine;
    private static int _quiet;

    /// <summary>A librdkafka log handler for the app's own clients: warnings and errors, at most one line every 10 s.</summary>
    /// <typeparam name="TClient">The client type.</typeparam>
    /// <param name="client">The client.</param>
    /// <param name="message">The log line.</param>
    public static void Log<TClient>(TClient client, LogMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Level > SyslogLevel.Warning)
        {
            return;
        }

        int quiet;
        lock (Gate)
        {
            var now = Environment.TickCount64;
            if (_lastLine != 0 && now - _lastLine < 10_000)
            {
                _quiet++;
                return;
            }

            _lastLine = now;
            quiet = _quiet;
            _quiet = 0;
        }

        Console.Error.WriteLine($"kafka client {message.Name}: {message.Facility}: {message.Message}{(quiet > 0 ? $" ({quiet} more lines since the last)" : "")}");
    }

    /// <summary>Fails with one message naming <paramref name="servers"/> unless a broker there answers within <paramref name="timeout"/>.</summary>
    /// <param name="servers">The <c>--bootstrap-servers</c> value.</param>
    /// <param name="timeout">How long to wait for an answer.</param>
    /// <exception cref="InvalidOperationException">No broker answered.</exception>
    public static void EnsureReachable(string servers, TimeSpan timeout)
    {
        // This client's own lines are not shown: the failure below says it all.
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = servers }).SetLogHandler((_, _) => { }).Build();
        try
        {
            if (admin.GetMetadata(timeout).Brokers.Count == 0)
            {
                throw new InvalidOperationException($"no Kafka broker answered at --bootstrap-servers {servers} within {timeout.TotalSeconds:0} s");
            }
        }
        catch (KafkaException e)
        {
            throw new InvalidOperationException($"no Kafka broker answered at --bootstrap-servers {servers} within {timeout.TotalSeconds:0} s ({e.Error.Reason})", e);
        }
    }
}
