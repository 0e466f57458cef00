// begin-snippet: operators-harness-usings
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;
// end-snippet

namespace ActorFlow.Docs.Tests.Operators;

/// <summary>The harness example of docs/operators.md ("Testing harness"), run.</summary>
public sealed class HarnessSnippetSpec
{
    /// <summary>Verify that the documented harness example emits what its comments say.</summary>
    [Fact]
    public void A_documented_harness_example_must_emit_what_its_comments_say()
    {
        // begin-snippet: operators-harness-example
        var clock = new ManualTimeProvider();
        var op = WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5)))
            .WithAllowedLateness(TimeSpan.FromSeconds(2)).WithTimeProvider(clock).Aggregate(Aggregates.Sum<long>(v => v));
        var h = OperatorHarness.For(op, clock);
        h.ProcessElement("a", 1, 1_000);
        h.ProcessWatermark(4_999);                 // fires [0, 5000) → (1, 4999)
        h.ProcessElement("a", 7, 2_000);           // within lateness → (8, 4999)
        h.ProcessWatermark(7_000);
        h.ProcessElement("a", 7, 2_000);           // too late → h.SideOutput(OutputTags.LateData<long>())
        h.ProcessWatermark(Watermark.EndOfInput);  // end of input: fires whatever is still pending
        // end-snippet

        Assert.Equal([new TimestampedValue<long>(1, 4_999), new TimestampedValue<long>(8, 4_999)], h.Output);
        Assert.Equal([new TimestampedValue<long>(7, 2_000)], h.SideOutput(OutputTags.LateData<long>()));
    }
}
