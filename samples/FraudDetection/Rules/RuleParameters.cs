using System.Globalization;
using ActorFlow.Avro;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using FraudDetection.Records;

namespace FraudDetection.Rules;

/// <summary>The names of the rules, as they appear in alerts and rule changes.</summary>
public static class RuleNames
{
    /// <summary>A transaction under a small amount immediately followed by one over a large amount.</summary>
    public const string SmallThenLarge = "small-then-large";

    /// <summary>More than a number of transactions in a sliding event-time window.</summary>
    public const string Velocity = "velocity";

    /// <summary>An amount far above the account's running average.</summary>
    public const string Spike = "spike";

    /// <summary>Gets all rule names.</summary>
    public static IReadOnlyList<string> All { get; } = [SmallThenLarge, Velocity, Spike];
}

/// <summary>Parameters of the small-then-large rule.</summary>
/// <param name="Enabled">Whether the rule raises alerts.</param>
/// <param name="SmallBelow">A small transaction is under this amount.</param>
/// <param name="LargeAbove">A large transaction is over this amount.</param>
/// <param name="WindowMs">The large one must come at most this long (event time) after the small one; 0 = no limit.</param>
public sealed record SmallThenLargeParameters(bool Enabled = true, double SmallBelow = 1.00, double LargeAbove = 500.00, long WindowMs = 60_000)
{
    /// <summary>Applies a change (null fields keep their value).</summary>
    /// <param name="change">The change.</param>
    /// <returns>The parameters after it.</returns>
    public SmallThenLargeParameters Apply(RuleChange change) => new(
        change.enabled ?? Enabled, change.smallBelow ?? SmallBelow, change.largeAbove ?? LargeAbove, change.windowMs ?? WindowMs);

    /// <summary>"small &lt; 1.00, large &gt; 500.00, window 1m".</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"small < {SmallBelow:0.00}, large > {LargeAbove:0.00}, window {(WindowMs == 0 ? "none" : Durations.Format(WindowMs))}");
}

/// <summary>Parameters of the velocity rule.</summary>
/// <param name="Enabled">Whether the rule raises alerts.</param>
/// <param name="MaxCount">More than this many transactions in the window raise an alert.</param>
/// <param name="WindowMs">The sliding window (event time): the transactions in (t − window, t] count at a transaction at t.</param>
public sealed record VelocityParameters(bool Enabled = true, int MaxCount = 8, long WindowMs = 60_000)
{
    /// <summary>Applies a change (null fields keep their value).</summary>
    /// <param name="change">The change.</param>
    /// <returns>The parameters after it.</returns>
    public VelocityParameters Apply(RuleChange change) => new(change.enabled ?? Enabled, change.maxCount ?? MaxCount, change.windowMs ?? WindowMs);

    /// <summary>"more than 8 in 1m".</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"more than {MaxCount} in {Durations.Format(WindowMs)}");
}

/// <summary>Parameters of the spike rule.</summary>
/// <param name="Enabled">Whether the rule raises alerts.</param>
/// <param name="Factor">An amount over this factor times the account's running average raises an alert.</param>
/// <param name="MinHistory">Transactions of the account needed before the average counts.</param>
public sealed record SpikeParameters(bool Enabled = true, double Factor = 10, int MinHistory = 5)
{
    /// <summary>Applies a change (null fields keep their value).</summary>
    /// <param name="change">The change.</param>
    /// <returns>The parameters after it.</returns>
    public SpikeParameters Apply(RuleChange change) => new(change.enabled ?? Enabled, change.factor ?? Factor, change.minHistory ?? MinHistory);

    /// <summary>"factor 10, history ≥ 5".</summary>
    /// <returns>The text.</returns>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"factor {Factor:0.##}, history >= {MinHistory}");
}

/// <summary>The rules' parameters before any change from the rules topic (from the command line).</summary>
/// <param name="SmallThenLarge">The small-then-large rule.</param>
/// <param name="Velocity">The velocity rule.</param>
/// <param name="Spike">The spike rule.</param>
/// <param name="SpikeHistoryTtl">How long (processing time) an account's running average lives after its last transaction.</param>
public sealed record RuleDefaults(SmallThenLargeParameters SmallThenLarge, VelocityParameters Velocity, SpikeParameters Spike, TimeSpan SpikeHistoryTtl)
{
    /// <summary>Gets the defaults: small &lt; 1.00 then large &gt; 500.00 within 1 minute; more than 8 in 1 minute; 10× the average of 5 or more; averages kept 7 days.</summary>
    public static RuleDefaults Default { get; } = new(new SmallThenLargeParameters(), new VelocityParameters(), new SpikeParameters(), TimeSpan.FromDays(7));
}

/// <summary>Checks rule changes before they are broadcast: a bad one fails here, once, and becomes a dead letter.</summary>
public static class RuleChanges
{
    /// <summary>The broadcast state holding the rule changes seen, by "rule@effectiveFrom" (declared with the broadcast stream).</summary>
    public static readonly MapStateDescriptor<string, RuleChange> State = new("rule-changes", Serializers.String, Serializers.Avro<RuleChange>());

    /// <summary>Returns the change when its values make sense for its rule.</summary>
    /// <param name="change">The change.</param>
    /// <returns>The change.</returns>
    /// <exception cref="ArgumentException">The rule is unknown or a value is out of range (the message names it).</exception>
    public static RuleChange Validate(RuleChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (!RuleNames.All.Contains(change.rule, StringComparer.Ordinal))
        {
            throw new ArgumentException($"rule change for unknown rule '{change.rule}' (rules: {string.Join(", ", RuleNames.All)})", nameof(change));
        }

        Check(change.windowMs is null or >= 0 && (change.rule != RuleNames.Velocity || change.windowMs is null or > 0), "windowMs", change.windowMs);
        Check(change.smallBelow is null or >= 0, "smallBelow", change.smallBelow);
        Check(change.largeAbove is null or >= 0, "largeAbove", change.largeAbove);
        Check(change.maxCount is null or >= 0, "maxCount", change.maxCount);
        Check(change.factor is null or > 0, "factor", change.factor);
        Check(change.minHistory is null or >= 1, "minHistory", change.minHistory);
        return change;

        void Check(bool ok, string field, object? value)
        {
            if (!ok)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"rule change for '{change.rule}' has {field} = {value}, out of range"), nameof(change));
            }
        }
    }
}
