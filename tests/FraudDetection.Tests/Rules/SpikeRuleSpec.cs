using ActorFlow.TestKit;
using FraudDetection.Records;
using FraudDetection.Rules;
using static FraudDetection.Tests.RuleHarness;

namespace FraudDetection.Tests.Rules;

/// <summary>The spike rule: an amount far above the account's running average, with a history that expires.</summary>
public sealed class SpikeRuleSpec
{
    private static TwoInputOperatorHarness<string, Transaction, RuleChange, Alert> Rule(ManualTimeProvider? clock = null, TimeSpan? ttl = null) =>
        For(new SpikeRule(new SpikeParameters(Factor: 10, MinHistory: 3), ttl ?? TimeSpan.FromDays(7)), clock);

    /// <summary>Verify that an amount over ten times the average of the earlier transactions raises an alert, in event-time order.</summary>
    [Fact]
    public void An_amount_over_the_factor_times_the_average_must_raise_an_alert()
    {
        var h = Rule();
        h.Send(Tx("spike", 1_000.01, T0 + 3_000));   // arrives first, judged last
        h.Send(Tx("a", 100, T0));
        h.Send(Tx("b", 100, T0 + 1_000));
        h.Send(Tx("c", 100, T0 + 2_000));
        h.Send(Tx("d", 1_000.00, T0 + 4_000));       // the average now includes the spike: no alert
        h.ProcessWatermark(T0 + 10_000);
        Assert.Equal([$"spike acct-1 {T0 + 3_000} [spike]"], h.Alerts());
    }

    /// <summary>Verify that no alert comes before the account has enough history, and that exactly the factor is not a spike.</summary>
    [Fact]
    public void Too_little_history_or_exactly_the_factor_must_not_alert()
    {
        var h = Rule();
        h.Send(Tx("a", 10, T0));
        h.Send(Tx("b", 10, T0 + 1_000));
        h.Send(Tx("c", 5_000, T0 + 2_000));          // two earlier transactions only
        h.ProcessWatermark(T0 + 3_000);
        var h2 = Rule();
        h2.Send(Tx("a", 10, T0));
        h2.Send(Tx("b", 10, T0 + 1_000));
        h2.Send(Tx("c", 10, T0 + 2_000));
        h2.Send(Tx("d", 100, T0 + 3_000));           // 10 × 10.00: not over it
        h2.ProcessWatermark(T0 + 5_000);
        Assert.Empty(h.Alerts());
        Assert.Empty(h2.Alerts());
    }

    /// <summary>Verify that the history is keyed state with a time-to-live: after the TTL of processing time without a transaction the account starts again.</summary>
    [Fact]
    public void The_history_must_expire_after_its_ttl()
    {
        var clock = new ManualTimeProvider(1_000_000);
        var h = Rule(clock, TimeSpan.FromHours(1));
        h.Send(Tx("a", 10, T0));
        h.Send(Tx("b", 10, T0 + 1_000));
        h.Send(Tx("c", 10, T0 + 2_000));
        h.ProcessWatermark(T0 + 2_000);
        h.SetProcessingTime(1_000_000 + (long)TimeSpan.FromHours(2).TotalMilliseconds);
        h.Send(Tx("d", 5_000, T0 + 3_000));          // would be a spike with the old history
        h.ProcessWatermark(T0 + 4_000);
        Assert.Empty(h.Alerts());
    }
}
