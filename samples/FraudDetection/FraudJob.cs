using ActorFlow.Avro;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using FraudDetection.Records;
using FraudDetection.Rules;

namespace FraudDetection;

/// <summary>What the fraud-detection job reads and writes: the same job runs on Kafka, on files or on test queues.</summary>
/// <param name="Transactions">The transactions.</param>
/// <param name="RuleChanges">Changes of the rules' parameters (broadcast to every key group).</param>
/// <param name="AlertSinks">Where alerts go (each receives every alert).</param>
/// <param name="LateTransactions">Where late transactions go.</param>
/// <param name="DeadLetters">Where records that fail go (undecodable, a bad rule change), or <c>null</c> for the job's default.</param>
/// <param name="Landing">Where every transaction read is landed (the data lake), or <c>null</c>.</param>
public sealed record FraudJobIo(
    ISourceConnector<Transaction> Transactions,
    ISourceConnector<RuleChange> RuleChanges,
    IReadOnlyList<ISinkConnector<Alert>> AlertSinks,
    ISinkConnector<Transaction> LateTransactions,
    ISinkConnector<DeadLetterRecord>? DeadLetters,
    ISinkConnector<Transaction>? Landing = null);

/// <summary>
/// The fraud-detection job: transactions keyed by account, each rule a keyed operator connected to the broadcast
/// rule changes, their alerts united into the alert sinks, late transactions to their own sink.
/// </summary>
public static class FraudJob
{
    /// <summary>The job's name (its checkpoints are stored under it).</summary>
    public const string Name = "fraud-detection";

    /// <summary>The backfill's name (<c>--from-lake</c>): its own checkpoints, never the streaming job's.</summary>
    public const string BackfillName = "fraud-detection-backfill";

    /// <summary>How far out of order transactions may come before they are late.</summary>
    public static readonly TimeSpan MaxOutOfOrderness = TimeSpan.FromSeconds(5);

    /// <summary>Builds the job.</summary>
    /// <param name="io">Sources and sinks.</param>
    /// <param name="defaults">The rules' parameters before any change.</param>
    /// <param name="name">The job's name (<see cref="Name"/>; checkpoints are stored under it).</param>
    /// <returns>The job.</returns>
    public static StreamJob Build(FraudJobIo io, RuleDefaults defaults, string name = Name)
    {
        ArgumentNullException.ThrowIfNull(io);
        ArgumentNullException.ThrowIfNull(defaults);
        var builder = StreamJobBuilder.Create(name)
            .WithSerializers(new SerializerRegistry().RegisterAvro<Transaction>().RegisterAvro<RuleChange>().RegisterAvro<Alert>());
        if (io.DeadLetters is { } deadLetters)
        {
            builder.WithDeadLetters(deadLetters);
        }

        var transactions = builder.FromSource("transactions", io.Transactions,
            WatermarkStrategy<Transaction>.ForBoundedOutOfOrderness(MaxOutOfOrderness).WithTimestampAssigner((t, _) => t.Time));
        var changes = builder.FromSource("rules", io.RuleChanges,
                WatermarkStrategy<RuleChange>.ForMonotonousTimestamps().WithTimestampAssigner((r, _) => r.EffectiveFrom).WithIdleness(TimeSpan.FromSeconds(2)))
            .Select(RuleChanges.Validate)               // a bad change fails here, once, as a dead letter
            .Broadcast(RuleChanges.State);              // the rules' broadcast state

        var accounts = transactions.KeyBy(t => t.accountId);
        var smallThenLarge = accounts.Connect(changes)
            .Process(RuleNames.SmallThenLarge, () => new SmallThenLargeRule(defaults.SmallThenLarge, reportLate: true));
        var velocity = accounts.Connect(changes)
            .Process(RuleNames.Velocity, () => new VelocityRule(defaults.Velocity));
        var spike = accounts.Connect(changes)
            .Process(RuleNames.Spike, () => new SpikeRule(defaults.Spike, defaults.SpikeHistoryTtl));

        var alerts = smallThenLarge.Union(velocity, spike);
        foreach (var sink in io.AlertSinks)
        {
            alerts.To(sink);
        }

        smallThenLarge.SideOutput(EventTimeRule<SmallThenLargeParameters>.LateTransactions).To(io.LateTransactions);
        if (io.Landing is { } landing)
        {
            transactions.To(landing);               // every transaction read, late ones included, to the lake
        }

        return builder.Build();
    }
}
