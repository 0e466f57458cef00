using Akka.Actor;
using Akka.Configuration;

namespace ActorFlow.Kafka.Settings;

/// <summary>
/// Immutable settings of <see cref="Dsl.Committer"/>, from HOCON <c>actorflow.kafka.committer</c>. The <c>With*</c> methods
/// validate their argument and return a copy.
/// </summary>
public sealed record CommitterSettings
{
    /// <summary>Settings with the given values, each checked as by its <c>With*</c> method.</summary>
    /// <param name="maxBatch">Most offsets combined into one commit; at least 1.</param>
    /// <param name="maxInterval">Longest time an offset waits before its batch is committed; positive.</param>
    /// <param name="parallelism">Commits in flight at once; at least 1.</param>
    public CommitterSettings(int maxBatch, TimeSpan maxInterval, int parallelism)
    {
        MaxBatch = maxBatch;
        MaxInterval = maxInterval;
        Parallelism = parallelism;
    }

    /// <summary>Most offsets combined into one commit (HOCON <c>max-batch</c>). At least 1; default 1000.</summary>
    public int MaxBatch
    {
        get;
        private init => field = SettingsGuard.AtLeastOne(value, "max-batch");
    }

    /// <summary>Longest time an offset waits before its batch is committed (HOCON <c>max-interval</c>). Positive; default 1 s.</summary>
    public TimeSpan MaxInterval
    {
        get;
        private init => field = SettingsGuard.Positive(value, "max-interval");
    }

    /// <summary>Commits in flight at once (HOCON <c>parallelism</c>). At least 1; default 1.</summary>
    public int Parallelism
    {
        get;
        private init => field = SettingsGuard.AtLeastOne(value, "parallelism");
    }

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
        var section = KafkaClientProperties.Load(config, KafkaDefaults.CommitterPath);
        return SettingsGuard.FromSection(KafkaDefaults.CommitterPath, () => new CommitterSettings(
            SettingsGuard.Hocon(section, "max-batch", static (c, k) => c.GetInt(k)),
            SettingsGuard.Hocon(section, "max-interval", static (c, k) => c.GetTimeSpan(k)),
            SettingsGuard.Hocon(section, "parallelism", static (c, k) => c.GetInt(k))));
    }

    /// <summary>Sets <see cref="MaxBatch"/>; at least 1.</summary>
    public CommitterSettings WithMaxBatch(int maxBatch) => this with { MaxBatch = maxBatch };

    /// <summary>Sets <see cref="MaxInterval"/>; positive.</summary>
    public CommitterSettings WithMaxInterval(TimeSpan maxInterval) => this with { MaxInterval = maxInterval };

    /// <summary>Sets <see cref="Parallelism"/>; at least 1.</summary>
    public CommitterSettings WithParallelism(int parallelism) => this with { Parallelism = parallelism };
}
