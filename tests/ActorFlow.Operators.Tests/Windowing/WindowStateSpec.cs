using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

public sealed class WindowStateSpec
{
    private static readonly ReducingStateDescriptor<long> Firings = new("firings", (a, b) => a + b);

    private static OperatorHarness<string, long, string> Harness(WindowAssigner assigner) =>
        new(WindowOperators.For<string, long>(assigner).WithAllowedLateness(TimeSpan.FromSeconds(100)).Process(new CountFirings()));

    /// <summary>Verify that window-scoped state is kept per window across firings and separate from other windows.</summary>
    [Fact]
    public void Window_state_must_be_scoped_per_window()
    {
        var h = Harness(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10)));
        h.ProcessElement("a", 1, 0);
        h.ProcessElement("a", 1, 10_000);
        h.ProcessWatermark(19_999);
        h.ProcessElement("a", 1, 1);
        Assert.Equal(["[0,10000) window=1 key=1", "[10000,20000) window=1 key=2", "[0,10000) window=2 key=3"], h.OutputValues());
    }

    /// <summary>Verify that mergeable window state (reducing) is merged when sessions merge.</summary>
    [Fact]
    public void Window_state_must_merge_when_sessions_merge()
    {
        var h = Harness(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(10)));
        h.ProcessElement("a", 1, 0);
        h.ProcessWatermark(9_999);
        h.ProcessElement("a", 1, 9_000);
        h.ProcessWatermark(18_999);
        Assert.Equal(["[0,10000) window=1 key=1", "[0,19000) window=2 key=2"], h.OutputValues());
    }

    private sealed class CountFirings : ProcessWindowFunction<string, long, string>
    {
        public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output)
        {
            var perWindow = context.WindowState.GetReducingState(Firings);
            var perKey = context.GlobalState.GetReducingState(new ReducingStateDescriptor<long>("all", (a, b) => a + b));
            perWindow.Add(1);
            perKey.Add(1);
            output.Collect($"[{context.Window.Start},{context.Window.End}) window={perWindow.Get()} key={perKey.Get()}");
        }
    }
}
