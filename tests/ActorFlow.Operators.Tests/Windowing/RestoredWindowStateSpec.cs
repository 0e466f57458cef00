using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

/// <summary>
/// Regressions (issue 13): window-scoped state restored from a snapshot and not yet asked for again must still be
/// merged when sessions merge and removed when its window is cleaned up.
/// </summary>
public sealed class RestoredWindowStateSpec
{
    private static readonly ReducingStateDescriptor<long> Firings = new("firings", (a, b) => a + b);

    private static OperatorHarness<string, long, string> Harness(WindowAssigner assigner, TimeSpan lateness) =>
        new(WindowOperators.For<string, long>(assigner).WithAllowedLateness(lateness).Process(new CountFirings()));

    /// <summary>Verify that merging sessions after a restore merges the restored, untouched state of the merged-away window.</summary>
    [Fact]
    public void A_SessionWindow_must_merge_restored_window_state_not_yet_read()
    {
        var original = Harness(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(100));
        original.ProcessElement("a", 1, 0);
        original.ProcessWatermark(9_999);
        var restored = Harness(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(10)), TimeSpan.FromSeconds(100));
        restored.Restore(original.Snapshot());
        restored.ProcessElement("a", 1, 9_000);
        restored.ProcessWatermark(18_999);
        Assert.Equal(["[0,19000) firings=2"], restored.OutputValues());
    }

    /// <summary>Verify that a window cleaned up after a restore, before its state was read, leaves no state in later snapshots.</summary>
    [Fact]
    public void A_TumblingWindow_must_drop_restored_window_state_at_cleanup()
    {
        var assigner = TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10));
        var original = Harness(assigner, TimeSpan.FromSeconds(5));
        original.ProcessElement("a", 1, 0);
        original.ProcessWatermark(9_999);
        var restored = Harness(assigner, TimeSpan.FromSeconds(5));
        restored.Restore(original.Snapshot());
        original.ProcessWatermark(20_000);
        restored.ProcessWatermark(20_000);
        Assert.Equal(original.Snapshot(), restored.Snapshot());
    }

    private sealed class CountFirings : ProcessWindowFunction<string, long, string>
    {
        public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output)
        {
            var firings = context.WindowState.GetReducingState(Firings);
            firings.Add(1);
            output.Collect($"[{context.Window.Start},{context.Window.End}) firings={firings.Get()}");
        }
    }
}
