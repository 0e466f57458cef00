using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;
using FsCheck.Xunit;

namespace ActorFlow.Operators.Tests.Properties;

/// <summary>
/// Property tests: random out-of-order, duplicated-timestamp input with random watermarks, compared step by
/// step (every result and every late record) with a reference model, and a snapshot/restore at a random
/// point compared with an uninterrupted run.
/// </summary>
public sealed class WindowPropertySpec
{
    private const long Size = 1_000;
    private const long SlideSize = 2_000;
    private const long Slide = 500;
    private const long Gap = 700;
    private static readonly long[] Latenesses = [0, 500, 1_500];

    /// <summary>Verify that tumbling windows emit exactly what the reference computes, step by step.</summary>
    [Property(MaxTest = 150)]
    public void Tumbling_windows_must_match_the_reference(int[] raw, byte latenessChoice)
    {
        var lateness = Latenesses[latenessChoice % 3];
        Compare(raw, Tumbling(lateness), new WindowReference(ts => WindowReference.Tumbling(ts, Size), lateness).Apply);
    }

    /// <summary>Verify that sliding windows emit exactly what the reference computes, step by step.</summary>
    [Property(MaxTest = 150)]
    public void Sliding_windows_must_match_the_reference(int[] raw, byte latenessChoice)
    {
        var lateness = Latenesses[latenessChoice % 3];
        Compare(raw, Sliding(lateness), new WindowReference(ts => WindowReference.Sliding(ts, SlideSize, Slide), lateness).Apply);
    }

    /// <summary>Verify that session windows (with merging) emit exactly what the reference computes, step by step.</summary>
    [Property(MaxTest = 150)]
    public void Session_windows_must_match_the_reference(int[] raw, byte latenessChoice)
    {
        var lateness = Latenesses[latenessChoice % 3];
        Compare(raw, Sessions(lateness), new SessionReference(Gap, lateness).Apply);
    }

    /// <summary>Verify that restoring a snapshot taken after a random step continues exactly like an uninterrupted run.</summary>
    [Property(MaxTest = 100)]
    public void A_restored_operator_must_continue_like_an_uninterrupted_one(int[] raw, byte kind, byte latenessChoice, ushort cutChoice)
    {
        var lateness = Latenesses[latenessChoice % 3];
        Func<WindowOperatorBuilder<string, long>> make = (kind % 3) switch
        {
            0 => Tumbling(lateness),
            1 => Sliding(lateness),
            _ => Sessions(lateness),
        };
        var steps = Scenario.Decode(raw);
        var cut = cutChoice % steps.Count;
        var uninterrupted = Harness(make);
        var first = Harness(make);
        for (var i = 0; i < cut; i++)
        {
            Run(uninterrupted, steps[i]);
            Run(first, steps[i]);
        }

        var second = Harness(make);
        second.Restore(first.Snapshot());
        uninterrupted.ClearOutput();
        for (var i = cut; i < steps.Count; i++)
        {
            Run(uninterrupted, steps[i]);
            Run(second, steps[i]);
        }

        Assert.Equal(uninterrupted.Events, second.Events);
        Assert.Equal(uninterrupted.Operator.LateRecordCount, second.Operator.LateRecordCount);
    }

    private static Func<WindowOperatorBuilder<string, long>> Tumbling(long lateness) => () =>
        WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromMilliseconds(Size))).WithAllowedLateness(TimeSpan.FromMilliseconds(lateness));

    private static Func<WindowOperatorBuilder<string, long>> Sliding(long lateness) => () =>
        WindowOperators.For<string, long>(SlidingEventTimeWindows.Of(TimeSpan.FromMilliseconds(SlideSize), TimeSpan.FromMilliseconds(Slide)))
            .WithAllowedLateness(TimeSpan.FromMilliseconds(lateness));

    private static Func<WindowOperatorBuilder<string, long>> Sessions(long lateness) => () =>
        WindowOperators.For<string, long>(EventTimeSessionWindows.WithGap(TimeSpan.FromMilliseconds(Gap))).WithAllowedLateness(TimeSpan.FromMilliseconds(lateness));

    private static OperatorHarness<string, long, string> Harness(Func<WindowOperatorBuilder<string, long>> make) =>
        new(make().Aggregate(new SumAggregate(), new LabelWindow<long>()));

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

    private static void Compare(int[] raw, Func<WindowOperatorBuilder<string, long>> make, Func<Step, (List<string> Results, List<string> Late)> reference)
    {
        var h = Harness(make);
        long lateCount = 0;
        foreach (var step in Scenario.Decode(raw))
        {
            h.ClearOutput();
            Run(h, step);
            var (expected, expectedLate) = reference(step);
            lateCount += expectedLate.Count;
            Assert.Equal(expected.Order(StringComparer.Ordinal), h.OutputValues().Order(StringComparer.Ordinal));
            Assert.Equal(expectedLate, h.SideOutput(OutputTags.LateData<long>()).Select(r => $"{r.Value}@{r.Timestamp}"));
        }

        Assert.Equal(lateCount, h.Operator.LateRecordCount);
    }
}
