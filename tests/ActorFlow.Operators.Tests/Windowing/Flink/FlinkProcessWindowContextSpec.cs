using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperator.onEventTime / clearAllState (the timer service's watermark is the new watermark while windows fire;
// ProcessWindowFunction.clear runs when the window is cleaned up at max timestamp + allowed lateness, not when a trigger purges),
// WindowOperatorContractTest.testPerWindowStateSetAndClearedOn*Purge
public sealed class FlinkProcessWindowContextSpec
{
    private static readonly ValueStateDescriptor<long> Seen = new("seen");
    private static readonly OutputTag<string> Cleared = new("cleared");

    /// <summary>Verify that the context shows the watermark that fires the window, and the current one for a late firing.</summary>
    [Fact]
    public void The_context_must_show_the_firing_watermark()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(2)))
            .WithAllowedLateness(TimeSpan.FromSeconds(5)).Process(new Describe()));
        h.ProcessElement("a", 1, 500);
        h.ProcessWatermark(3_000);
        h.ProcessElement("a", 1, 600);
        Assert.Equal(["fire wm=3000 seen=0", "fire wm=3000 seen=1"], h.OutputValues());
    }

    /// <summary>Verify that per-window state survives a purge and later firings, and that Clear runs once, at cleanup time.</summary>
    [Fact]
    public void Clear_must_run_at_cleanup_and_not_at_purge()
    {
        var h = OperatorHarness.For(WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(2)))
            .WithTrigger(PurgingTrigger.Of(EventTimeTrigger.Create()))
            .WithAllowedLateness(TimeSpan.FromSeconds(5)).Process(new Describe()));
        h.ProcessElement("a", 1, 500);
        h.ProcessWatermark(1_999);
        h.ProcessElement("a", 1, 600);
        h.ProcessWatermark(6_998);
        Assert.Equal(["fire wm=1999 seen=0", "fire wm=1999 seen=1"], h.OutputValues());
        Assert.Empty(h.SideOutput(Cleared));
        h.ProcessWatermark(6_999);
        Assert.Equal(["clear wm=6999 seen=2"], h.SideOutput(Cleared).Select(r => r.Value));
    }

    private sealed class Describe : ProcessWindowFunction<string, long, string>
    {
        public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output)
        {
            var seen = context.WindowState.GetState(Seen);
            output.Collect($"fire wm={context.CurrentWatermark} seen={seen.Value}");
            seen.Update(seen.Value + 1);
        }

        public override void Clear(ProcessWindowContext context)
        {
            var seen = context.WindowState.GetState(Seen);
            context.Output(Cleared, $"clear wm={context.CurrentWatermark} seen={seen.Value}");
        }
    }
}
