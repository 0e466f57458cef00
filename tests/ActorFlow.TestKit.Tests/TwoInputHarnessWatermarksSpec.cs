using ActorFlow.Operators;
using ActorFlow.Operators.Functions;

namespace ActorFlow.TestKit.Tests;

/// <summary>
/// The two-input harness takes each input's watermark (Flink's <c>processWatermark1</c>/<c>processWatermark2</c>) and
/// moves the operator's to the lower of the two, so Flink's two-input harness tests port as written: it had one
/// watermark for both (found by a review porting Flink harness tests).
/// </summary>
public sealed class TwoInputHarnessWatermarksSpec
{
    /// <summary>Verify that an event-time timer fires only once both inputs' watermarks passed it, and that a watermark never goes back.</summary>
    [Fact]
    public void The_operators_watermark_must_be_the_lower_of_the_two_inputs()
    {
        var h = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateCo(new At100(), clock: new ManualTimeProvider()));
        h.ProcessElement1("a", 1, 0); // an event-time timer at 100

        h.ProcessWatermark1(200);
        Assert.Equal(long.MinValue, h.CurrentWatermark);
        h.AssertNoOutput();

        h.ProcessWatermark2(150);
        Assert.Equal(150, h.CurrentWatermark);
        h.AssertOutput("a@100");

        h.ProcessWatermark2(120); // behind the second input's own: ignored
        h.ProcessWatermark2(180);
        Assert.Equal(180, h.CurrentWatermark);
        h.ProcessWatermark(300); // both inputs at once
        Assert.Equal(300, h.CurrentWatermark);
    }

    private sealed class At100 : KeyedCoProcessFunction<string, long, string, string>
    {
        public override void ProcessElement1(long value, Context context, ICollector<string> output) =>
            context.TimerService.RegisterEventTimeTimer(100);

        public override void ProcessElement2(string value, Context context, ICollector<string> output)
        {
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) =>
            output.Collect(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{context.CurrentKey}@{timestamp}"));
    }
}
