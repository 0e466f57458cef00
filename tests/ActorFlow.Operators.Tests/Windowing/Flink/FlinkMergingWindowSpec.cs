using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testPointSessions (a custom merging assigner whose "point" windows have start = end) and
// MergingWindowSetTest (a window inside a session joins it; a large window covering several sessions merges them all)
public sealed class FlinkMergingWindowSpec
{
    /// <summary>Verify Flink's point-session test: a record at a time ending in 333 ms opens the point window [t, t), which falls
    /// inside its key's session and joins it (Flink marks such records by value; ActorFlow assigners see only the time).</summary>
    [Fact]
    public void Point_windows_must_join_the_sessions_they_fall_in_as_Flink()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(new CustomSessions()).Process(new FlinkSessionWindowFunction()));
        h.Element("key2", 1, 0);
        h.Element("key2", 33, 1333);
        var snapshot = h.Snapshot();
        h = OperatorHarness.For(FlinkFixtures.For(new CustomSessions()).Process(new FlinkSessionWindowFunction()));
        h.Restore(snapshot);
        h.Element("key2", 33, 2333);
        h.Element("key1", 1, 10);
        h.Element("key1", 2, 1000);
        h.Element("key1", 33, 2333);
        h.ProcessWatermark(12000);
        Assert.Equal(["key1-36:10-4000@3999", "key2-67:0-3000@2999"], h.Sorted());
    }

    /// <summary>Verify that a large window covering two sessions merges all three, and the merged session fires once, at its end.</summary>
    [Fact]
    public void A_window_covering_several_sessions_must_merge_them_all()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(new CustomSessions()).Process(new FlinkSessionWindowFunction()));
        h.Element("key", 1, 0); // [0, 3000)
        h.Element("key", 2, 5000); // [5000, 8000)
        h.Element("key", 4, 1500); // [1000, 11500): covers the end of the first and all of the second
        h.ProcessWatermark(11498);
        Assert.Empty(h.Output);
        h.ProcessWatermark(11499);
        Assert.Equal(["key-7:0-11500@11499"], h.Sorted());
    }

    /// <summary>Sessions of 3 s; a time ending in 333 ms gives the point window [t, t), one ending in 500 ms the window [t − 500, t + 10 s).</summary>
    private sealed class CustomSessions : WindowAssigner
    {
        public override bool IsEventTime => true;

        public override bool IsMerging => true;

        public override Trigger DefaultTrigger => EventTimeTrigger.Create();

        public override void AssignWindows(long timestamp, long currentProcessingTime, List<TimeWindow> windows) =>
            windows.Add((timestamp % 1000) switch
            {
                333 => new TimeWindow(timestamp, timestamp),
                500 => new TimeWindow(timestamp - 500, timestamp + 10_000),
                _ => new TimeWindow(timestamp, timestamp + 3000),
            });
    }
}
