using ActorFlow.Operators.Functions;
using ActorFlow.TestKit;

namespace ActorFlow.Docs.Tests.Testing;

/// <summary>docs/testing.md, "Testing an operator": the example, run.</summary>
public sealed class OperatorTestSnippetSpec
{
    /// <summary>Verify that the documented operator test passes and that its assertions catch a wrong expectation.</summary>
    [Fact]
    public void The_documented_operator_test_must_pass()
    {
        // begin-snippet: testing-operator-test
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new SmallThenLarge(), clock: clock), clock);

        h.ProcessElement("acct-1", 0.50m, 1_000);
        h.ProcessElement("acct-1", 900m, 2_000);            // small then large: an alert, stamped with the large one's time
        h.AssertTimestampedOutput(("acct-1: 900", 2_000));

        h.ProcessElement("acct-2", 0.10m, 3_000);
        Assert.Equal([60_000], h.ProcessingTimeTimers("acct-2")); // the small one is forgotten a minute later
        h.AdvanceProcessingTime(TimeSpan.FromMinutes(1));   // the fake clock moves; the timer fires
        Assert.Empty(h.ProcessingTimeTimers("acct-2"));
        h.ProcessElement("acct-2", 900m, 4_000);            // too late for a pattern: no alert
        h.AssertOutput("acct-1: 900");

        h.ProcessElement("acct-3", 0.20m, 5_000);
        var restored = OperatorHarness.For(KeyedProcessOperators.Create(new SmallThenLarge(), clock: clock), clock);
        restored.Restore(h.Snapshot());                     // state and timers survive a snapshot
        restored.ProcessElement("acct-3", 700m, 6_000);
        restored.AssertOutput("acct-3: 700");
        // end-snippet

        Assert.Throws<OutputMismatchException>(() => h.AssertOutput("acct-2: 900"));
    }
}
