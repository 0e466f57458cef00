using Akka.Actor;
using Akka.Configuration;

namespace ActorFlow.Kafka.Settings;

/// <summary>The defaults of ActorFlow.Kafka, shipped as the embedded <c>reference.conf</c>.</summary>
public static class KafkaDefaults
{
    private static readonly Lazy<Config> Reference = new(() =>
    {
        using var stream = typeof(KafkaDefaults).Assembly.GetManifestResourceStream("ActorFlow.Kafka.reference.conf")
            ?? throw new InvalidOperationException("ActorFlow.Kafka.reference.conf is missing from the assembly.");
        using var reader = new StreamReader(stream);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    });

    /// <summary>The HOCON path of the consumer settings.</summary>
    public const string ConsumerPath = "actorflow.kafka.consumer";

    /// <summary>The HOCON path of the producer settings.</summary>
    public const string ProducerPath = "actorflow.kafka.producer";

    /// <summary>The HOCON path of the committer settings.</summary>
    public const string CommitterPath = "actorflow.kafka.committer";

    /// <summary>The embedded reference configuration (<c>actorflow.kafka.consumer</c>, <c>.producer</c>, <c>.committer</c>).</summary>
    public static Config Config => Reference.Value;

    /// <summary>Adds the defaults to <paramref name="system"/>'s configuration as a top-level fallback.</summary>
    public static void Inject(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        system.Settings.InjectTopLevelFallback(Config);
    }
}
