using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;
using FsCheck.Xunit;

namespace ActorFlow.Operators.Tests.Properties;

/// <summary>
/// Property test (issue 13): a session-window run with per-window state (mergeable and not) and per-key state, restored
/// from its own snapshot at random points, emits exactly what an unbroken run emits and ends with the same snapshot.
/// </summary>
public sealed class RestoredWindowStatePropertySpec
{
    private const long Gap = 700;
    private static readonly long[] Latenesses = [0, 500, 1_500];
    private static readonly ReducingStateDescriptor<long> Firings = new("firings", (a, b) => a + b);
    private static readonly ValueStateDescriptor<long> LastSize = new("last-size");
    private static readonly ReducingStateDescriptor<long> KeyFirings = new("key-firings", (a, b) => a + b);

    /// <summary>Verify that restores at random points leave the output and the final snapshot as in an unbroken run.</summary>
    [Property(MaxTest = 150)]
    public void A_SessionWindow_with_window_state_must_continue_like_an_unbroken_run_after_restores(int[] raw, ulong restoreAfter, byte latenessChoice)
    {
        var lateness = TimeSpan.FromMilliseconds(Latenesses[latenessChoice % 3]);
        var steps = Scenario.Decode(raw);
        var unbroken = Harness(lateness);
        var restored = Harness(lateness);
        var restoredEvents = new List<HarnessEvent>();
        for (var i = 0; i < steps.Count; i++)
        {
            Run(unbroken, steps[i]);
            Run(restored, steps[i]);
            if ((restoreAfter & (1UL << (i % 64))) != 0)
            {
                restoredEvents.AddRange(restored.Events);
                var snapshot = restored.Snapshot();
                restored = Harness(lateness);
                restored.Restore(snapshot);
            }
        }

        restoredEvents.AddRange(restored.Events);
        Assert.Equal(unbroken.Events, restoredEvents);
        Assert.Equal(unbroken.Snapshot(), restored.Snapshot());
    }

    private static OperatorHarness<string, long, string> Harness(TimeSpan lateness) =>
        new(WindowOperators.For<string, long>(EventTimeSessionWindows.WithGap(TimeSpan.FromMilliseconds(Gap)))
            .WithAllowedLateness(lateness).Process(new DescribeWithState()));

    private static void Run(OperatorHarness<string, long, string> h, Step step)
    {
        if (step.IsWatermark)
        {
            h.ProcessWatermark(step.Time);
        }
        else
        {
            h.ProcessElement(step.Key, step.Value, step.Time);
        }
    }

    private sealed class DescribeWithState : ProcessWindowFunction<string, long, string>
    {
        public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output)
        {
            var firings = context.WindowState.GetReducingState(Firings);
            var lastSize = context.WindowState.GetState(LastSize);
            var keyFirings = context.GlobalState.GetReducingState(KeyFirings);
            var previous = lastSize.Value;
            firings.Add(1);
            keyFirings.Add(1);
            lastSize.Update(elements.Count);
            output.Collect($"{key}@[{context.Window.Start},{context.Window.End}) n={elements.Count} firings={firings.Get()} previous={previous} key={keyFirings.Get()}");
        }
    }
}
