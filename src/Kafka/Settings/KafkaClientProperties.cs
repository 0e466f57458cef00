using System.Collections.Immutable;
using Akka.Configuration;

namespace ActorFlow.Kafka.Settings;

/// <summary>INTERNAL API. Reads the <c>kafka-clients</c> block of a settings section into librdkafka properties.</summary>
internal static class KafkaClientProperties
{
    public static ImmutableDictionary<string, string> From(Config section)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        var clients = section.GetConfig("kafka-clients");
        if (clients is null || clients.IsEmpty)
        {
            return builder.ToImmutable();
        }

        foreach (var (key, value) in clients.AsEnumerable())
        {
            var text = value.GetString();
            if (!string.IsNullOrEmpty(text))
            {
                builder[key.Trim('"')] = text;
            }
        }

        return builder.ToImmutable();
    }

    public static void RequireBootstrapServers(IReadOnlyDictionary<string, string> properties, string what)
    {
        if (!properties.TryGetValue("bootstrap.servers", out var servers) || string.IsNullOrWhiteSpace(servers))
        {
            throw new InvalidOperationException(
                $"{what} has no bootstrap.servers. Set it with WithBootstrapServers(...) (or kafka-clients.bootstrap.servers " +
                "in HOCON), or start an ActorFlow.Kafka.Embedded.EmbeddedKafka and use its BootstrapServers.");
        }
    }

    public static Config Load(Config config, string path)
    {
        var section = config.GetConfig(path);
        var defaults = KafkaDefaults.Config.GetConfig(path);
        return section is null || section.IsEmpty ? defaults : section.WithFallback(defaults);
    }
}
