using ActorFlow.TestKit;
using FraudDetection.Records;
using FraudDetection.Rules;
using static FraudDetection.Tests.RuleHarness;

namespace FraudDetection.Tests.Rules;

/// <summary>The velocity rule: more than N transactions of an account in a sliding event-time window.</summary>
public sealed class VelocityRuleSpec
{
    private static TwoInputOperatorHarness<string, Transaction, RuleChange, Alert> Rule(int maxCount = 3, long windowMs = 10_000) =>
        For(new VelocityRule(new VelocityParameters(MaxCount: maxCount, WindowMs: windowMs)));

    /// <summary>Verify that the (N + 1)-th transaction within the window raises an alert naming all of them, out of order or not.</summary>
    [Fact]
    public void More_than_N_in_the_window_must_raise_an_alert()
    {
        var h = Rule();
        h.Send(Tx("c", 10, T0 + 2_000));
        h.Send(Tx("a", 10, T0));
        h.Send(Tx("d", 10, T0 + 3_000));
        h.Send(Tx("b", 10, T0 + 1_000));
        h.ProcessWatermark(T0 + 20_000);
        Assert.Equal([$"velocity acct-1 {T0 + 3_000} [a,b,c,d]"], h.Alerts());
    }

    /// <summary>Verify the window's edges: N in the window is fine; a transaction exactly one window earlier is outside it.</summary>
    [Fact]
    public void The_window_must_be_half_open()
    {
        var h = Rule();
        h.Send(Tx("a", 10, T0));
        h.Send(Tx("b", 10, T0 + 5_000));
        h.Send(Tx("c", 10, T0 + 9_000));
        h.Send(Tx("d", 10, T0 + 10_000));         // (T0, T0 + 10 s]: a is out, three in
        h.ProcessWatermark(T0 + 30_000);
        Assert.Empty(h.Alerts());
    }

    /// <summary>Verify one alert per burst: after an alert the next comes only a window later.</summary>
    [Fact]
    public void A_burst_must_raise_one_alert()
    {
        var h = Rule();
        for (var i = 0; i < 8; i++)
        {
            h.Send(Tx($"t{i}", 10, T0 + (i * 1_000)));
        }

        h.ProcessWatermark(T0 + 9_000);
        Assert.Equal([$"velocity acct-1 {T0 + 3_000} [t0,t1,t2,t3]"], h.Alerts());
        for (var i = 0; i < 4; i++)
        {
            h.Send(Tx($"u{i}", 10, T0 + 13_000 + (i * 100)));
        }

        h.ProcessWatermark(T0 + 20_000);
        Assert.Equal(2, h.Alerts().Count);
        Assert.StartsWith($"velocity acct-1 {T0 + 13_000} ", h.Alerts()[1], StringComparison.Ordinal);
    }

    /// <summary>Verify that a changed limit applies from its effective time.</summary>
    [Fact]
    public void A_changed_limit_must_apply_from_its_effective_time()
    {
        var h = Rule();
        h.Change(new RuleChange { rule = RuleNames.Velocity, effectiveFrom = EventTime.Utc(T0 + 100_000), maxCount = 1 });
        h.Send(Tx("a", 10, T0));
        h.Send(Tx("b", 10, T0 + 1_000));          // two in the window, limit 3: fine
        h.Send(Tx("c", 10, T0 + 100_000));
        h.Send(Tx("d", 10, T0 + 101_000));        // two in the window, limit 1: alert
        h.ProcessWatermark(T0 + 200_000);
        Assert.Equal([$"velocity acct-1 {T0 + 101_000} [c,d]"], h.Alerts());
    }

    /// <summary>Verify that the window's transactions survive a restore.</summary>
    [Fact]
    public void The_window_must_survive_a_restore()
    {
        var h = Rule();
        h.Send(Tx("a", 10, T0));
        h.Send(Tx("b", 10, T0 + 1_000));
        h.Send(Tx("c", 10, T0 + 2_000));
        h.ProcessWatermark(T0 + 2_500);
        var restored = Rule();
        restored.Restore(h.Snapshot());
        restored.Send(Tx("d", 10, T0 + 3_000));
        restored.ProcessWatermark(T0 + 20_000);
        Assert.Equal([$"velocity acct-1 {T0 + 3_000} [a,b,c,d]"], restored.Alerts());
    }
}
