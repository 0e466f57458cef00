using System.Globalization;
using ActorFlow.Operators;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using FraudDetection.Records;

namespace FraudDetection.Rules;

/// <summary>
/// An amount over <c>Factor</c> times the account's running average (the mean of its earlier transactions, in
/// event-time order), once the account has at least <c>MinHistory</c> of them. The average (count and sum) is keyed
/// state with a time-to-live: an account silent for longer than the TTL (processing time) starts a new history.
/// </summary>
/// <param name="defaults">The parameters before any rule change.</param>
/// <param name="historyTtl">How long an account's average lives after its last transaction.</param>
/// <param name="reportLate">Whether late transactions go to the late side output.</param>
public sealed class SpikeRule(SpikeParameters defaults, TimeSpan historyTtl, bool reportLate = false)
    : EventTimeRule<SpikeParameters>(defaults, reportLate)
{
    private readonly ValueStateDescriptor<(long Count, double Sum)> _historyDescriptor =
        new("history", Serializers.Tuple(Serializers.Int64, Serializers.Double)) { Ttl = new StateTtlConfig(historyTtl) };

    private IValueState<(long Count, double Sum)> _history = null!;

    /// <inheritdoc />
    public override string Rule => RuleNames.Spike;

    /// <inheritdoc />
    protected override void OpenRule(IKeyedStateStore state) => _history = state.GetState(_historyDescriptor);

    /// <inheritdoc />
    protected override SpikeParameters Apply(SpikeParameters parameters, RuleChange change) => parameters.Apply(change);

    /// <inheritdoc />
    protected override void Judge(Transaction transaction, SpikeParameters parameters, ReadOnlyContext context, ICollector<Alert> output)
    {
        var (count, sum) = _history.HasValue ? _history.Value : (0L, 0.0);
        if (parameters.Enabled && count >= parameters.MinHistory && transaction.amount > parameters.Factor * (sum / count))
        {
            var average = sum / count;
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{transaction.amount:0.00} is {transaction.amount / average:0.0}x the average {average:0.00} of {count} transactions ({parameters})");
            output.Collect(NewAlert(transaction.accountId, transaction.Time, detail, [transaction]));
        }

        _history.Update((count + 1, sum + transaction.amount));
    }
}
