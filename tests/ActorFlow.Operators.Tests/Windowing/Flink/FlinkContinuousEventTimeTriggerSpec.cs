using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testContinuousWatermarkTrigger; ContinuousEventTimeTrigger.registerNextFireTimestamp
// (next firing = min(time + interval, window max timestamp), FLINK-20443)
public sealed class FlinkContinuousEventTimeTriggerSpec
{
    /// <summary>Verify that a continuous trigger on global windows fires every interval from the first record's aligned time, as in Flink.</summary>
    [Fact]
    public void A_continuous_trigger_on_global_windows_must_fire_as_Flink()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(GlobalWindows.Create())
            .WithTrigger(ContinuousEventTimeTrigger.Of(TimeSpan.FromSeconds(3))).Reduce(FlinkFixtures.SumReducer));
        h.Element("key1", 1, 0);
        h.Element("key2", 1, 3000);
        h.Element("key2", 1, 3999);
        h.Element("key1", 1, 20);
        h.Element("key1", 1, 999);
        h.Element("key2", 1, 1998);
        h.Element("key2", 1, 1999);
        h.Element("key2", 1, 1000);

        h.ProcessWatermark(1000);
        h.ProcessWatermark(2000);
        Assert.Empty(h.Output);
        h.ProcessWatermark(3000);
        Assert.Equal([$"(key1,3)@{long.MaxValue}"], h.Sorted());
        h.ProcessWatermark(4000);
        h.ProcessWatermark(5000);
        h.ProcessWatermark(6000);
        h.ProcessWatermark(7000);
        h.ProcessWatermark(8000);
        Assert.Equal(FlinkFixtures.Sort([$"(key1,3)@{long.MaxValue}", $"(key1,3)@{long.MaxValue}", $"(key2,5)@{long.MaxValue}"]), h.Sorted());
    }

    /// <summary>Verify that the early firings never go past the window's max timestamp: with allowed lateness, a window of
    /// 10 ms fired every 4 ms fires at 3, 7 and 9 and not again at 11 (Flink clamps the next firing to the window end).</summary>
    [Fact]
    public void Early_firings_must_stop_at_the_window_max_timestamp()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(10)))
            .WithTrigger(ContinuousEventTimeTrigger.Of(TimeSpan.FromMilliseconds(4)))
            .WithAllowedLateness(TimeSpan.FromMilliseconds(5))
            .Reduce((a, b) => a + b));
        h.ProcessElement("a", 1, 1);
        var firedAt = new List<long>();
        for (var wm = 1; wm <= 20; wm++)
        {
            var before = h.Output.Count;
            h.ProcessWatermark(wm);
            firedAt.AddRange(Enumerable.Repeat((long)wm, h.Output.Count - before));
        }

        Assert.Equal([4L, 8L, 9L], firedAt);
        Assert.All(h.Output, r => Assert.Equal(9, r.Timestamp));
    }

    /// <summary>Verify the documented difference for negative timestamps: the first early firing is the next interval boundary
    /// (0 for a record at −5 with a 10 ms interval), where Flink's truncating remainder schedules it one interval later (10).</summary>
    [Fact]
    public void The_first_firing_of_a_negative_timestamp_must_be_the_next_floored_boundary()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(40), TimeSpan.FromMilliseconds(20)))
            .WithTrigger(ContinuousEventTimeTrigger.Of(TimeSpan.FromMilliseconds(10)))
            .Reduce((a, b) => a + b));
        h.ProcessElement("a", 1, -5);
        Assert.Equal([0L, 19L], h.EventTimeTimers("a"));
    }
}
