using ActorFlow.TestKit;
using FraudDetection.Records;
using FraudDetection.Rules;
using static FraudDetection.Tests.RuleHarness;

namespace FraudDetection.Tests.Rules;

/// <summary>The small-then-large rule on hand-written sequences: in order, out of order, late, at the window's edge, across a restore.</summary>
public sealed class SmallThenLargeRuleSpec
{
    private static TwoInputOperatorHarness<string, Transaction, RuleChange, Alert> Rule(long windowMs = 60_000) =>
        For(new SmallThenLargeRule(new SmallThenLargeParameters(WindowMs: windowMs), reportLate: true));

    /// <summary>Verify that a small transaction followed by a large one within the window raises one alert with both.</summary>
    [Fact]
    public void A_small_then_a_large_transaction_must_raise_an_alert()
    {
        var h = Rule();
        h.Send(Tx("a", 0.50, T0));
        h.Send(Tx("b", 600.00, T0 + 30_000));
        h.ProcessWatermark(T0 + 60_000);
        Assert.Equal([$"small-then-large acct-1 {T0 + 30_000} [a,b]"], h.Alerts());
    }

    /// <summary>Verify that transactions are judged in event-time order: a small one that arrives after the large one but is earlier still matches.</summary>
    [Fact]
    public void Out_of_order_transactions_must_be_judged_in_event_time_order()
    {
        var h = Rule();
        h.Send(Tx("b", 600.00, T0 + 2_000));
        h.Send(Tx("a", 0.50, T0));
        h.ProcessWatermark(T0 + 10_000);
        Assert.Equal([$"small-then-large acct-1 {T0 + 2_000} [a,b]"], h.Alerts());
    }

    /// <summary>Verify that any transaction between the small and the large one breaks the pattern, and that the thresholds are strict.</summary>
    [Fact]
    public void A_transaction_in_between_or_at_a_threshold_must_not_match()
    {
        var h = Rule();
        h.Send(Tx("a", 0.50, T0));
        h.Send(Tx("x", 20.00, T0 + 1_000));
        h.Send(Tx("b", 600.00, T0 + 2_000));
        h.Send(Tx("c", 1.00, T0 + 3_000));      // not under 1.00
        h.Send(Tx("d", 700.00, T0 + 4_000));
        h.Send(Tx("e", 0.99, T0 + 5_000));
        h.Send(Tx("f", 500.00, T0 + 6_000));    // not over 500.00
        h.ProcessWatermark(T0 + 100_000);
        Assert.Empty(h.Alerts());
    }

    /// <summary>Verify the window's edge: the large one exactly one window after the small one matches, one millisecond later does not.</summary>
    [Fact]
    public void The_window_must_include_its_edge_and_no_more()
    {
        var h = Rule();
        h.Send(Tx("a", 0.10, T0));
        h.Send(Tx("b", 900.00, T0 + 60_000));
        h.Send(Tx("c", 0.10, T0 + 100_000));
        h.Send(Tx("d", 900.00, T0 + 160_001));
        h.ProcessWatermark(T0 + 300_000);
        Assert.Equal([$"small-then-large acct-1 {T0 + 60_000} [a,b]"], h.Alerts());
    }

    /// <summary>Verify that a window of 0 means no limit.</summary>
    [Fact]
    public void A_window_of_zero_must_mean_no_limit()
    {
        var h = Rule(windowMs: 0);
        h.Send(Tx("a", 0.10, T0));
        h.Send(Tx("b", 900.00, T0 + 86_400_000));
        h.ProcessWatermark(T0 + 86_400_000);
        Assert.Equal([$"small-then-large acct-1 {T0 + 86_400_000} [a,b]"], h.Alerts());
    }

    /// <summary>Verify that a transaction at or behind the watermark is late: reported on the side output and not judged.</summary>
    [Fact]
    public void A_late_transaction_must_go_to_the_late_output_and_not_be_judged()
    {
        var h = Rule();
        h.Send(Tx("a", 0.50, T0 + 10_000));
        h.ProcessWatermark(T0 + 20_000);
        h.Send(Tx("late", 20.00, T0 + 15_000));   // would break the pattern if it were judged
        h.Send(Tx("b", 600.00, T0 + 25_000));
        h.ProcessWatermark(T0 + 30_000);
        Assert.Equal([$"small-then-large acct-1 {T0 + 25_000} [a,b]"], h.Alerts());
        Assert.Equal(["late"], h.SideOutput(SmallThenLargeRule.LateTransactions).Select(t => t.Value.transactionId));
    }

    /// <summary>Verify that a small transaction waiting for its large one survives a snapshot and restore into a new operator.</summary>
    [Fact]
    public void A_pending_pattern_must_survive_a_restore()
    {
        var h = Rule();
        h.Send(Tx("a", 0.50, T0));
        h.Send(Tx("b", 600.00, T0 + 5_000));     // not yet judged: the watermark is behind it
        h.ProcessWatermark(T0 + 1_000);
        var snapshot = h.Snapshot();

        var restored = Rule();
        restored.Restore(snapshot);
        restored.ProcessWatermark(T0 + 10_000);
        Assert.Equal([$"small-then-large acct-1 {T0 + 5_000} [a,b]"], restored.Alerts());
    }

    /// <summary>Verify that a rule change applies to the transactions at or after its effective time, and not before.</summary>
    [Fact]
    public void A_rule_change_must_apply_from_its_effective_time()
    {
        var h = Rule();
        h.Change(new RuleChange { rule = RuleNames.SmallThenLarge, effectiveFrom = EventTime.Utc(T0 + 50_000), largeAbove = 100.00 });
        h.Send(Tx("a", 0.50, T0));
        h.Send(Tx("b", 200.00, T0 + 1_000));     // before the change: 200 is not large
        h.Send(Tx("c", 0.50, T0 + 50_000));
        h.Send(Tx("d", 200.00, T0 + 51_000));    // after: it is
        h.Change(new RuleChange { rule = RuleNames.Velocity, effectiveFrom = EventTime.Utc(T0), maxCount = 1 });   // another rule's change: ignored
        h.ProcessWatermark(T0 + 100_000);
        Assert.Equal([$"small-then-large acct-1 {T0 + 51_000} [c,d]"], h.Alerts());
    }

    /// <summary>Verify that accounts are independent.</summary>
    [Fact]
    public void Accounts_must_not_mix()
    {
        var h = Rule();
        h.Send(Tx("a", 0.50, T0, "acct-1"));
        h.Send(Tx("b", 600.00, T0 + 1_000, "acct-2"));
        h.ProcessWatermark(T0 + 100_000);
        Assert.Empty(h.Alerts());
    }
}
