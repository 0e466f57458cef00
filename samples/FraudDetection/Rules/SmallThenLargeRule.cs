using System.Globalization;
using ActorFlow.Avro;
using ActorFlow.Operators;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using FraudDetection.Records;

namespace FraudDetection.Rules;

/// <summary>
/// The rule of Flink's fraud-detection walkthrough: a transaction under <c>SmallBelow</c> (1.00) immediately followed,
/// on the same account and in event-time order, by one over <c>LargeAbove</c> (500.00), at most <c>WindowMs</c> (1
/// minute; 0 = no limit) after it. Any other transaction in between breaks the pattern. The small transaction is kept
/// in keyed state; an event-time timer at its time + window clears it.
/// </summary>
/// <param name="defaults">The parameters before any rule change.</param>
/// <param name="reportLate">Whether late transactions go to the late side output.</param>
public sealed class SmallThenLargeRule(SmallThenLargeParameters defaults, bool reportLate = false)
    : EventTimeRule<SmallThenLargeParameters>(defaults, reportLate)
{
    private static readonly ValueStateDescriptor<Transaction> LastSmallDescriptor = new("last-small", Serializers.Avro<Transaction>());
    private IValueState<Transaction> _lastSmall = null!;

    /// <inheritdoc />
    public override string Rule => RuleNames.SmallThenLarge;

    /// <inheritdoc />
    protected override void OpenRule(IKeyedStateStore state) => _lastSmall = state.GetState(LastSmallDescriptor);

    /// <inheritdoc />
    protected override SmallThenLargeParameters Apply(SmallThenLargeParameters parameters, RuleChange change) => parameters.Apply(change);

    /// <inheritdoc />
    protected override void Judge(Transaction transaction, SmallThenLargeParameters parameters, ReadOnlyContext context, ICollector<Alert> output)
    {
        if (!parameters.Enabled)
        {
            _lastSmall.Clear();
            return;
        }

        if (_lastSmall.Value is { } small
            && transaction.amount > parameters.LargeAbove
            && (parameters.WindowMs == 0 || transaction.Time - small.Time <= parameters.WindowMs))
        {
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{small.amount:0.00} then {transaction.amount:0.00} {Durations.Format(transaction.Time - small.Time)} later ({parameters})");
            output.Collect(NewAlert(transaction.accountId, transaction.Time, detail, [small, transaction]));
        }

        if (transaction.amount < parameters.SmallBelow)
        {
            _lastSmall.Update(transaction);
            if (parameters.WindowMs > 0)
            {
                context.TimerService.RegisterEventTimeTimer(transaction.Time + parameters.WindowMs);
            }
        }
        else
        {
            _lastSmall.Clear();
        }
    }

    /// <inheritdoc />
    protected override void OnTime(long time, ReadOnlyContext context)
    {
        if (_lastSmall.Value is { } small)
        {
            var window = ParametersAt(time, context).WindowMs;
            if (window > 0 && time >= small.Time + window)
            {
                _lastSmall.Clear(); // no large transaction can follow it in time any more
            }
        }
    }
}
