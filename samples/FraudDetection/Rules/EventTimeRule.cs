using System.Globalization;
using ActorFlow.Avro;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using FraudDetection.Records;

namespace FraudDetection.Rules;

/// <summary>
/// A rule on one account's transactions in event-time order, with its parameters from broadcast rule changes.
/// Transactions arrive out of order: each one waits in keyed state until the watermark passes its timestamp (an
/// event-time timer at that timestamp), then the rule sees it in timestamp order (ties in arrival order), with the
/// parameters in force at its timestamp: the defaults, then every change whose <c>effectiveFrom</c> is at or before it.
/// A transaction at or behind the watermark when it arrives is late: it goes to <see cref="LateTransactions"/> (when
/// this rule reports them) and no rule judges it, since the transactions after it have been judged already.
/// </summary>
/// <typeparam name="TParameters">The rule's parameters.</typeparam>
public abstract class EventTimeRule<TParameters> : KeyedBroadcastProcessFunction<string, Transaction, RuleChange, Alert>
{
    /// <summary>The side output of late transactions.</summary>
    public static readonly OutputTag<Transaction> LateTransactions = new("late-transactions");

    /// <summary>The broadcast state holding the rule changes seen, by "rule@effectiveFrom".</summary>
    public static readonly MapStateDescriptor<string, RuleChange> Changes = RuleChanges.State;

    private readonly ListStateDescriptor<Transaction> _pendingDescriptor = new("pending", Serializers.Avro<Transaction>());
    private readonly bool _reportLate;
    private IListState<Transaction> _pending = null!;

    /// <summary>Initializes a new instance of the <see cref="EventTimeRule{TParameters}"/> class.</summary>
    /// <param name="defaults">The parameters before any change.</param>
    /// <param name="reportLate">Whether late transactions go to <see cref="LateTransactions"/> (one rule of the job reports them).</param>
    protected EventTimeRule(TParameters defaults, bool reportLate)
    {
        Defaults = defaults;
        _reportLate = reportLate;
    }

    /// <summary>Gets the rule's name.</summary>
    public abstract string Rule { get; }

    /// <summary>Gets the parameters before any change.</summary>
    public TParameters Defaults { get; }

    /// <inheritdoc />
    public override bool ReplaysDeterministically => true;

    /// <inheritdoc />
    public override void Open(IKeyedStateStore state)
    {
        ArgumentNullException.ThrowIfNull(state);
        _pending = state.GetListState(_pendingDescriptor);
        OpenRule(state);
    }

    /// <inheritdoc />
    public sealed override void ProcessElement(Transaction value, ReadOnlyContext context, ICollector<Alert> output)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        var time = value.Time;
        if (time <= context.TimerService.CurrentWatermark)
        {
            if (_reportLate)
            {
                context.Output(LateTransactions, value);
            }

            return;
        }

        _pending.Add(value);
        context.TimerService.RegisterEventTimeTimer(time);
    }

    /// <inheritdoc />
    public sealed override void ProcessBroadcastElement(RuleChange value, Context context, ICollector<Alert> output)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(context);
        if (value.rule == Rule)
        {
            context.GetBroadcastState(Changes)[string.Create(CultureInfo.InvariantCulture, $"{value.rule}@{value.EffectiveFrom:D20}")] = value;
        }
    }

    /// <inheritdoc />
    public sealed override void OnTimer(long timestamp, OnTimerContext context, ICollector<Alert> output)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        if (context.TimeDomain != TimeDomain.EventTime)
        {
            return;
        }

        var pending = _pending.Get();
        if (pending.Count > 0 && pending.Any(t => t.Time <= timestamp))
        {
            var due = pending.Where(t => t.Time <= timestamp).OrderBy(t => t.Time).ToList(); // stable: ties keep arrival order
            _pending.Update(pending.Where(t => t.Time > timestamp).ToList());
            foreach (var transaction in due)
            {
                Judge(transaction, ParametersAt(transaction.Time, context), context, output);
            }
        }

        OnTime(timestamp, context);
    }

    /// <summary>The parameters in force at <paramref name="time"/>: the defaults, then the changes in force by then, oldest first.</summary>
    /// <param name="time">Event time.</param>
    /// <param name="context">The context.</param>
    /// <returns>The parameters.</returns>
    protected TParameters ParametersAt(long time, ReadOnlyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var changes = context.GetBroadcastState(Changes);
        if (changes.Count == 0)
        {
            return Defaults;
        }

        var parameters = Defaults;
        foreach (var change in changes.Values.Where(c => c.EffectiveFrom <= time).OrderBy(c => c.EffectiveFrom))
        {
            parameters = Apply(parameters, change);
        }

        return parameters;
    }

    /// <summary>Gets the rule's own keyed state.</summary>
    /// <param name="state">The keyed state store.</param>
    protected abstract void OpenRule(IKeyedStateStore state);

    /// <summary>Applies a rule change to the parameters.</summary>
    /// <param name="parameters">The parameters before.</param>
    /// <param name="change">The change (of this rule).</param>
    /// <returns>The parameters after.</returns>
    protected abstract TParameters Apply(TParameters parameters, RuleChange change);

    /// <summary>Judges the account's next transaction in event-time order.</summary>
    /// <param name="transaction">The transaction.</param>
    /// <param name="parameters">The parameters in force at its time.</param>
    /// <param name="context">The context (timers, key).</param>
    /// <param name="output">Alerts.</param>
    protected abstract void Judge(Transaction transaction, TParameters parameters, ReadOnlyContext context, ICollector<Alert> output);

    /// <summary>Called when the watermark passed <paramref name="time"/> for this account, after the transactions up to it were judged: drop state that can no longer match.</summary>
    /// <param name="time">The timer's time.</param>
    /// <param name="context">The context.</param>
    protected virtual void OnTime(long time, ReadOnlyContext context)
    {
    }

    /// <summary>An alert of this rule.</summary>
    /// <param name="account">The account.</param>
    /// <param name="time">Event time of the transaction that completed the match.</param>
    /// <param name="detail">Why.</param>
    /// <param name="transactions">The transactions involved.</param>
    /// <returns>The alert.</returns>
    protected Alert NewAlert(string account, long time, string detail, IEnumerable<Transaction> transactions) => new()
    {
        accountId = account,
        rule = Rule,
        time = EventTime.Utc(time),
        detail = detail,
        transactions = transactions.ToList(),
    };
}
