using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

public sealed class EventTimeSessionWindowsSpec
{
    private static OperatorHarness<string, long, string> Harness(TimeSpan gap) =>
        new(WindowOperators.For<string, long>(EventTimeSessionWindows.WithGap(gap)).Aggregate(new SumAggregate(), new LabelWindow<long>()));

    /// <summary>Verify that records closer than the gap form one session ending gap after the last record.</summary>
    [Fact]
    public void A_SessionWindow_must_merge_records_within_the_gap()
    {
        var h = Harness(TimeSpan.FromSeconds(10));
        h.ProcessElement("u", 1, 0);
        h.ProcessElement("u", 2, 5_000);
        h.ProcessElement("u", 4, 30_000);
        h.ProcessWatermark(100_000);
        Assert.Equal(["u@[0,15000)=3", "u@[30000,40000)=4"], h.OutputValues());
    }

    /// <summary>Verify that a record arriving between two sessions bridges them into one.</summary>
    [Fact]
    public void A_SessionWindow_must_merge_two_sessions_bridged_by_a_record()
    {
        var h = Harness(TimeSpan.FromSeconds(10));
        h.ProcessElement("u", 1, 0);
        h.ProcessElement("u", 2, 18_000);
        h.ProcessElement("u", 4, 9_000);
        h.ProcessWatermark(100_000);
        Assert.Equal(["u@[0,28000)=7"], h.OutputValues());
    }

    /// <summary>Verify that a session fires when the watermark passes its end and not before.</summary>
    [Fact]
    public void A_SessionWindow_must_fire_when_the_watermark_passes_the_session_end()
    {
        var h = Harness(TimeSpan.FromSeconds(10));
        h.ProcessElement("u", 1, 0);
        h.ProcessWatermark(9_998);
        Assert.Empty(h.Output);
        h.ProcessWatermark(9_999);
        Assert.Single(h.Output);
    }

    /// <summary>Verify that extending a session moves its firing time.</summary>
    [Fact]
    public void A_SessionWindow_must_not_fire_at_the_old_end_after_being_extended()
    {
        var h = Harness(TimeSpan.FromSeconds(10));
        h.ProcessElement("u", 1, 0);
        h.ProcessElement("u", 1, 8_000);
        h.ProcessWatermark(12_000);
        Assert.Empty(h.Output);
        h.ProcessWatermark(17_999);
        Assert.Equal(["u@[0,18000)=2"], h.OutputValues());
    }

    /// <summary>Verify that a non-positive gap is rejected.</summary>
    [Fact]
    public void A_SessionWindow_must_reject_a_non_positive_gap() =>
        Assert.Throws<ArgumentException>(() => EventTimeSessionWindows.WithGap(TimeSpan.Zero));
}
