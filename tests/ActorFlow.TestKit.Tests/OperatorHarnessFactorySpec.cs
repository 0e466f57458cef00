using ActorFlow.Operators;
using ActorFlow.Operators.Joins;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.TestKit.Tests;

public sealed class OperatorHarnessFactorySpec
{
    /// <summary>Verify that OperatorHarness.For infers the key, input and output types from a one-input operator.</summary>
    [Fact]
    public void OperatorHarness_For_must_infer_the_type_arguments()
    {
        var op = WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Reduce((a, b) => a + b);
        OperatorHarness<string, long, long> h = OperatorHarness.For(op);
        h.ProcessElement("a", 1, 10);
        h.ProcessElement("a", 2, 20);
        h.ProcessWatermark(999);
        Assert.Same(op, h.Operator);
        Assert.Equal([new TimestampedValue<long>(3, 999)], h.Output);
    }

    /// <summary>Verify that OperatorHarness.For hands the clock to the harness, so SetProcessingTime moves it.</summary>
    [Fact]
    public void OperatorHarness_For_must_use_the_given_clock()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(
            WindowOperators.For<string, long>(TumblingProcessingTimeWindows.Of(TimeSpan.FromSeconds(1))).WithTimeProvider(clock).Reduce((a, b) => a + b),
            clock);
        h.ProcessElement("a", 5, 0);
        h.SetProcessingTime(999);
        Assert.Equal(999, clock.NowMs);
        Assert.Equal([5L], h.OutputValues());
    }

    /// <summary>Verify that TwoInputOperatorHarness.For infers the type arguments from a two-input operator.</summary>
    [Fact]
    public void TwoInputOperatorHarness_For_must_infer_the_type_arguments()
    {
        var op = JoinOperators.Window<string, long, string, string>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(2)), (l, r) => $"{l}-{r}");
        TwoInputOperatorHarness<string, long, string, string> h = TwoInputOperatorHarness.For(op);
        h.ProcessElement1("k", 1, 0);
        h.ProcessElement2("k", "x", 1_000);
        h.ProcessWatermark(1_999);
        Assert.Equal(["1-x"], h.OutputValues());
    }
}
