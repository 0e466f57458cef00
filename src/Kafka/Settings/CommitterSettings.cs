using Akka.Actor;
using Akka.Configuration;

namespace ActorFlow.Kafka.Settings;

/// <summary>Immutable settings of <see cref="Dsl.Committer"/>, from HOCON <c>actorflow.kafka.committer</c>.</summary>
/// <param name="MaxBatch">Most offsets combined into one commit. Default 1000.</param>
/// <param name="MaxInterval">Longest time an offset waits before its batch is committed. Default 1 s.</param>
/// <param name="Parallelism">Commits in flight at once. Default 1.</param>
public sealed record CommitterSettings(int MaxBatch, TimeSpan MaxInterval, int Parallelism)
{
    /// <summary>Settings from <paramref name="system"/>'s configuration (with the shipped defaults).</summary>
    public static CommitterSettings Create(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Create(system.Settings.Config);
    }

    /// <summary>Settings from the <c>actorflow.kafka.committer</c> section of <paramref name="config"/> (with the shipped defaults).</summary>
    public static CommitterSettings Create(Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var section = KafkaClientProperties.Load(config, "actorflow.kafka.committer");
        return new CommitterSettings(section.GetInt("max-batch"), section.GetTimeSpan("max-interval"), section.GetInt("parallelism")).Validated();
    }

    /// <summary>A copy with another batch size.</summary>
    public CommitterSettings WithMaxBatch(int maxBatch) => (this with { MaxBatch = maxBatch }).Validated();

    /// <summary>A copy with another interval.</summary>
    public CommitterSettings WithMaxInterval(TimeSpan maxInterval) => (this with { MaxInterval = maxInterval }).Validated();

    private CommitterSettings Validated()
    {
        if (MaxBatch < 1 || Parallelism < 1 || MaxInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Committer settings need max-batch >= 1, parallelism >= 1 and a positive max-interval (got {this}).");
        }

        return this;
    }
}
