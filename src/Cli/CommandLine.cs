using System.Globalization;
using ActorFlow.Kafka.Embedded;

namespace ActorFlow.Cli;

/// <summary>The <c>actorflow</c> command: parses the arguments and runs a sub-command.</summary>
public static class CommandLine
{
    private const string Usage = """
        usage: actorflow <command> [options]

        commands:
          broker   run the embedded Kafka broker (librdkafka mock cluster) until Ctrl+C
                   --brokers N             number of brokers (default 1)
                   --topic NAME[:PARTS]    create a topic (repeatable; default 1 partition)
                   --bootstrap-file PATH   also write the bootstrap address to PATH
        """ + "\n" + SavepointCommand.Usage + "\n" + AvroCommands.Usage;

    /// <summary>Runs the command line; returns the process exit code (0 ok, 1 failed, 2 bad usage).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await output.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }

        try
        {
            return args[0] switch
            {
                "broker" => await RunBrokerAsync(BrokerOptions.Parse(args.AsSpan(1)), output, stop).ConfigureAwait(false),
                "savepoint" => await SavepointCommand.RunAsync(args.AsMemory(1), output, error, stop).ConfigureAwait(false),
                "registry" => await AvroCommands.RunRegistryAsync(args.AsMemory(1), output, stop).ConfigureAwait(false),
                "avro" => await AvroCommands.RunAvroAsync(args.AsMemory(1), output).ConfigureAwait(false),
                _ => throw new UsageException($"unknown command '{args[0]}'"),
            };
        }
        catch (UsageException e)
        {
            await error.WriteLineAsync("actorflow: " + e.Message).ConfigureAwait(false);
            await error.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }
        catch (EmbeddedKafkaException e)
        {
            await error.WriteLineAsync("actorflow: " + e.Message).ConfigureAwait(false);
            return 1;
        }
    }

    private static async Task<int> RunBrokerAsync(BrokerOptions options, TextWriter output, CancellationToken stop)
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { BrokerCount = options.Brokers, Topics = options.Topics });
        if (options.BootstrapFile is not null)
        {
            await File.WriteAllTextAsync(options.BootstrapFile, kafka.BootstrapServers, stop).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"bootstrap.servers={kafka.BootstrapServers}").ConfigureAwait(false);
        foreach (var (topic, partitions) in kafka.Topics)
        {
            await output.WriteLineAsync($"topic {topic} partitions={partitions}").ConfigureAwait(false);
        }

        await output.WriteLineAsync("embedded broker running; Ctrl+C stops it").ConfigureAwait(false);
        await output.FlushAsync(stop).ConfigureAwait(false);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(stop);
        ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
        Console.CancelKeyPress += onCancel;
        using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
            System.Runtime.InteropServices.PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; cancel.Cancel(); });
        try
        {
            await Task.Delay(Timeout.Infinite, cancel.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // stopping is the normal end
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        await output.WriteLineAsync("embedded broker stopped").ConfigureAwait(false);
        return 0;
    }

    private sealed record BrokerOptions(int Brokers, Dictionary<string, int> Topics, string? BootstrapFile)
    {
        public static BrokerOptions Parse(ReadOnlySpan<string> args)
        {
            var brokers = 1;
            var topics = new Dictionary<string, int>(StringComparer.Ordinal);
            string? file = null;
            for (var i = 0; i < args.Length; i++)
            {
                var value = i + 1 < args.Length ? args[i + 1] : throw new UsageException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--brokers":
                        brokers = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var b) && b >= 1
                            ? b : throw new UsageException($"--brokers needs a positive number, not '{value}'");
                        break;
                    case "--topic":
                        var parts = value.Split(':');
                        var count = parts.Length == 1 ? 1
                            : int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1 ? p
                            : throw new UsageException($"--topic {value}: the partition count must be a positive number");
                        topics[parts[0]] = count;
                        break;
                    case "--bootstrap-file":
                        file = value;
                        break;
                    default:
                        throw new UsageException($"unknown option '{args[i]}'");
                }

                i++;
            }

            return new BrokerOptions(brokers, topics, file);
        }
    }

    /// <summary>Bad arguments: exit code 2 with the message and the usage.</summary>
    internal sealed class UsageException(string message) : Exception(message);
}
