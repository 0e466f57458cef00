using System.Collections.Immutable;
using Akka.Configuration;
using Akka.Configuration.Hocon;

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

        // HOCON reads "fetch.wait.max.ms = 10" as nested objects: join the path back into librdkafka's name.
        Flatten(clients.Root.GetObject(), string.Empty, builder);
        return builder.ToImmutable();
    }

    private static void Flatten(HoconObject node, string prefix, ImmutableDictionary<string, string>.Builder into)
    {
        foreach (var (key, value) in node.Items)
        {
            var name = prefix.Length == 0 ? key : prefix + "." + key;
            if (value.IsObject())
            {
                Flatten(value.GetObject(), name, into);
            }
            else if (value.GetString() is { Length: > 0 } text)
            {
                into[name] = text;
            }
        }
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
