using System.Globalization;
using ActorFlow.Avro;
using ActorFlow.Operators;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using FraudDetection.Records;

namespace FraudDetection.Rules;

/// <summary>
/// More than <c>MaxCount</c> transactions on an account within a sliding event-time window of <c>WindowMs</c>: at each
/// transaction at t (in event-time order), the account's transactions in (t − window, t] are counted. One alert per
/// burst: after an alert at t, the next one comes from a transaction at t + window or later. The window's transactions
/// are kept in keyed state and dropped by an event-time timer when they leave it.
/// </summary>
/// <param name="defaults">The parameters before any rule change.</param>
/// <param name="reportLate">Whether late transactions go to the late side output.</param>
public sealed class VelocityRule(VelocityParameters defaults, bool reportLate = false)
    : EventTimeRule<VelocityParameters>(defaults, reportLate)
{
    private static readonly ListStateDescriptor<Transaction> RecentDescriptor = new("recent", Serializers.Avro<Transaction>());
    private static readonly ValueStateDescriptor<long> LastAlertDescriptor = new("last-alert", Serializers.Int64);
    private IListState<Transaction> _recent = null!;
    private IValueState<long> _lastAlert = null!;

    /// <inheritdoc />
    public override string Rule => RuleNames.Velocity;

    /// <inheritdoc />
    protected override void OpenRule(IKeyedStateStore state)
    {
        _recent = state.GetListState(RecentDescriptor);
        _lastAlert = state.GetState(LastAlertDescriptor);
    }

    /// <inheritdoc />
    protected override VelocityParameters Apply(VelocityParameters parameters, RuleChange change) => parameters.Apply(change);

    /// <inheritdoc />
    protected override void Judge(Transaction transaction, VelocityParameters parameters, ReadOnlyContext context, ICollector<Alert> output)
    {
        if (!parameters.Enabled)
        {
            _recent.Clear();
            _lastAlert.Clear();
            return;
        }

        var time = transaction.Time;
        var window = _recent.Get().Where(t => t.Time > time - parameters.WindowMs).Append(transaction).ToList();
        _recent.Update(window);
        context.TimerService.RegisterEventTimeTimer(time + parameters.WindowMs);
        if (window.Count > parameters.MaxCount && (!_lastAlert.HasValue || time - _lastAlert.Value >= parameters.WindowMs))
        {
            _lastAlert.Update(time);
            var detail = string.Create(CultureInfo.InvariantCulture,
                $"{window.Count} transactions within {Durations.Format(time - window[0].Time)} ({parameters})");
            output.Collect(NewAlert(transaction.accountId, time, detail, window));
        }
    }

    /// <inheritdoc />
    protected override void OnTime(long time, ReadOnlyContext context)
    {
        var window = ParametersAt(time, context).WindowMs;
        var recent = _recent.Get();
        if (recent.Count > 0 && recent[0].Time <= time - window)
        {
            var kept = recent.Where(t => t.Time > time - window).ToList();
            if (kept.Count == 0)
            {
                _recent.Clear();
            }
            else
            {
                _recent.Update(kept);
            }
        }

        if (_lastAlert.HasValue && time - _lastAlert.Value >= window)
        {
            _lastAlert.Clear();
        }
    }
}
