using System.CommandLine;
using System.Globalization;
using ActorFlow.Kafka.Embedded;

namespace ActorFlow.Cli;

/// <summary><c>actorflow broker</c>: the embedded Kafka broker (librdkafka's mock cluster) until Ctrl+C.</summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var brokers = new Option<int>("--brokers")
        {
            Description = "Number of brokers.",
            HelpName = "N",
            DefaultValueFactory = _ => 1,
            CustomParser = CommandLine.IntIn("--brokers", 1, int.MaxValue, "a positive number"),
        };
        var topics = new Option<string[]>("--topic")
        {
            Description = "Create a topic with PARTS partitions (default 1); repeat the option for more topics.",
            HelpName = "NAME[:PARTS]",
        };
        topics.Validators.Add(r =>
        {
            foreach (var token in r.Tokens)
            {
                if (ParseTopic(token.Value) is null)
                {
                    r.AddError($"--topic {token.Value}: the partition count must be a positive number.");
                }
            }
        });
        var bootstrapFile = new Option<string>("--bootstrap-file")
        {
            Description = "Also write the bootstrap address to this file (for scripts).",
            HelpName = "PATH",
        };
        var command = new Command("broker", "Run the embedded Kafka broker (librdkafka's mock cluster) until Ctrl+C; prints bootstrap.servers=HOST:PORT.")
        {
            brokers,
            topics,
            bootstrapFile,
        };
        CommandLine.SetAction(command, (parsed, output, stop) => RunAsync(
            parsed.GetValue(brokers),
            (parsed.GetValue(topics) ?? []).Select(t => ParseTopic(t)!.Value).GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.Last().Partitions, StringComparer.Ordinal),
            parsed.GetValue(bootstrapFile),
            output,
            stop));
        return command;
    }

    private static (string Name, int Partitions)? ParseTopic(string value)
    {
        var parts = value.Split(':');
        if (parts.Length > 2 || parts[0].Length == 0)
        {
            return null;
        }

        return parts.Length == 1 ? (parts[0], 1)
            : int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p >= 1 ? (parts[0], p)
            : null;
    }

    private static async Task<int> RunAsync(int brokers, Dictionary<string, int> topics, string? bootstrapFile, TextWriter output, CancellationToken stop)
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { BrokerCount = brokers, Topics = topics });
        if (bootstrapFile is not null)
        {
            await File.WriteAllTextAsync(bootstrapFile, kafka.BootstrapServers, stop).ConfigureAwait(false);
        }

        await output.WriteLineAsync($"bootstrap.servers={kafka.BootstrapServers}").ConfigureAwait(false);
        foreach (var (topic, partitions) in kafka.Topics)
        {
            await output.WriteLineAsync($"topic {topic} partitions={partitions}").ConfigureAwait(false);
        }

        await output.WriteLineAsync("embedded broker running; Ctrl+C stops it").ConfigureAwait(false);
        await output.FlushAsync(stop).ConfigureAwait(false);
        await CommandLine.WaitForStopAsync(stop).ConfigureAwait(false);
        await output.WriteLineAsync("embedded broker stopped").ConfigureAwait(false);
        return CommandLine.Ok;
    }
}
