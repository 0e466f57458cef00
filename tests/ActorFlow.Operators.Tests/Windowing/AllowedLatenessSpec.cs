using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

public sealed class AllowedLatenessSpec
{
    private static OperatorHarness<string, long, long> Harness(TimeSpan lateness) =>
        new(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5)))
            .WithAllowedLateness(lateness)
            .Aggregate(new SumAggregate()));

    /// <summary>Verify that without lateness a record for a fired window goes to the late side output and is counted.</summary>
    [Fact]
    public void A_late_record_must_go_to_the_late_side_output()
    {
        var h = Harness(TimeSpan.Zero);
        h.ProcessElement("a", 1, 1_000);
        h.ProcessWatermark(5_000);
        h.ProcessElement("a", 7, 2_000);
        Assert.Equal([new TimestampedValue<long>(7, 2_000)], h.SideOutput(OutputTags.LateData<long>()));
        Assert.Equal(1, h.Operator.LateRecordCount);
        Assert.Equal([1L], h.OutputValues());
    }

    /// <summary>Verify that a record within the allowed lateness re-fires the window with the updated result.</summary>
    [Fact]
    public void A_record_within_allowed_lateness_must_fire_an_updated_result()
    {
        var h = Harness(TimeSpan.FromSeconds(2));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessWatermark(5_000);
        h.ProcessElement("a", 7, 2_000);
        Assert.Equal([1L, 8L], h.OutputValues());
        Assert.Empty(h.SideOutput(OutputTags.LateData<long>()));
    }

    /// <summary>Verify that the window state is dropped at max timestamp + lateness, after which records are late.</summary>
    [Fact]
    public void A_record_after_the_allowed_lateness_must_be_late()
    {
        var h = Harness(TimeSpan.FromSeconds(2));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessWatermark(6_999);
        h.ProcessElement("a", 7, 2_000);
        Assert.Equal([1L], h.OutputValues());
        Assert.Single(h.SideOutput(OutputTags.LateData<long>()));
    }

    /// <summary>Verify that a custom late-data tag receives late records.</summary>
    [Fact]
    public void A_custom_late_tag_must_receive_late_records()
    {
        var tag = new OutputTag<long>("my-late");
        var h = new OperatorHarness<string, long, long>(
            WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).WithLateDataOutput(tag).Aggregate(new SumAggregate()));
        h.ProcessWatermark(10_000);
        h.ProcessElement("a", 3, 0);
        Assert.Single(h.SideOutput(tag));
    }

    /// <summary>Verify that a negative allowed lateness is rejected.</summary>
    [Fact]
    public void A_negative_allowed_lateness_must_be_rejected() =>
        Assert.Throws<ArgumentException>(() => WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).WithAllowedLateness(TimeSpan.FromSeconds(-1)));
}
