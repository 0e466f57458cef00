using ActorFlow.Operators.Functions;
using ActorFlow.TestKit;
using FraudDetection.Records;

namespace FraudDetection.Tests;

/// <summary>A rule under the operator harness: transactions on input 1, rule changes on input 2 (broadcast).</summary>
internal static class RuleHarness
{
    public const long T0 = 1_795_611_600_000;

    public static TwoInputOperatorHarness<string, Transaction, RuleChange, Alert> For(
        KeyedBroadcastProcessFunction<string, Transaction, RuleChange, Alert> rule, ManualTimeProvider? clock = null) =>
        TwoInputOperatorHarness.For(KeyedProcessOperators.CreateBroadcast(rule, clock: clock), clock);

    public static Transaction Tx(string id, double amount, long at, string account = "acct-1") => Transaction.Create(id, account, at, amount);

    public static void Send(this TwoInputOperatorHarness<string, Transaction, RuleChange, Alert> h, Transaction t) =>
        h.ProcessElement1(t.accountId, t, t.Time);

    public static void Change(this TwoInputOperatorHarness<string, Transaction, RuleChange, Alert> h, RuleChange change) =>
        h.ProcessElement2(string.Empty, change, change.EffectiveFrom);

    /// <summary>The alerts so far as "rule account time [ids]".</summary>
    public static List<string> Alerts(this TwoInputOperatorHarness<string, Transaction, RuleChange, Alert> h) =>
        h.OutputValues().Select(a => a.ToString()).ToList();
}
