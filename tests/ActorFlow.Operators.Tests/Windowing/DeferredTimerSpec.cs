using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

/// <summary>
/// The window operator defers the one timer of a new event-time window (event-time trigger, no allowed lateness):
/// it joins the timer queue when the watermark moves or a snapshot is taken, or, when the watermark passes every
/// deferred timer and the queue is empty (batch mode's end of input), fires straight from the list. Either way the
/// windows fire as the timer queue would fire them: by time, then by registration.
/// </summary>
public sealed class DeferredTimerSpec
{
    // Registration order: b@1000, a@0, a@1000, c@0 (a window's timer is registered by its first record).
    // The windows of Records by time, then registration, with their counts.
    private static readonly string[] Fired = ["a@0:2", "c@0:1", "b@1000:2", "a@1000:1"];

    private static readonly (string Key, long Timestamp)[] Records = [("b", 1_500), ("a", 200), ("a", 1_100), ("c", 900), ("a", 300), ("b", 1_999)];

    [Fact]
    public void Windows_fired_from_deferred_timers_must_fire_by_time_then_registration()
    {
        var deferred = Harness();
        Feed(deferred);
        Assert.Equal(4, Deferred(deferred));
        deferred.ProcessWatermark(Watermark.EndOfInput);

        Assert.Equal(0, Deferred(deferred));
        Assert.Equal(Fired, deferred.OutputValues());
    }

    [Fact]
    public void Windows_fired_from_the_timer_queue_must_fire_in_the_same_order()
    {
        var queued = Harness();
        Feed(queued);
        queued.ProcessWatermark(-1); // moves the deferred timers into the queue, fires nothing
        Assert.Equal(0, Deferred(queued));
        Assert.Empty(queued.Output);
        queued.ProcessWatermark(Watermark.EndOfInput);

        Assert.Equal(Fired, queued.OutputValues());
    }

    [Fact]
    public void Many_windows_of_equal_times_must_fire_in_registration_order_as_from_the_queue()
    {
        // 600 windows in 3 times, registered in a shuffled key order: sorting them must keep each time's registrations in order.
        var random = new Random(42);
        var keys = Enumerable.Range(0, 200).Select(k => "k" + k).OrderBy(_ => random.Next()).ToList();
        var deferred = Harness();
        var queued = Harness();
        var registered = new List<string>();
        foreach (var second in new[] { 2, 0, 1 })
        {
            foreach (var key in keys)
            {
                deferred.ProcessElement(key, 1, (second * 1_000) + 10);
                queued.ProcessElement(key, 1, (second * 1_000) + 10);
                registered.Add($"{key}@{second * 1_000}:1");
            }
        }

        queued.ProcessWatermark(-1);
        Assert.Equal(600, Deferred(deferred));
        deferred.ProcessWatermark(Watermark.EndOfInput);
        queued.ProcessWatermark(Watermark.EndOfInput);

        var expected = registered.OrderBy(w => int.Parse(w.Split('@', ':')[1], System.Globalization.CultureInfo.InvariantCulture)).ToList(); // a stable sort
        Assert.Equal(expected, queued.OutputValues());
        Assert.Equal(expected, deferred.OutputValues());
    }

    [Fact]
    public void Thousands_of_windows_over_many_times_must_fire_as_from_the_queue()
    {
        // 9,000 windows over 30 times: the deferred list and the firing's entries span several segments, the table
        // several shards; the order must still be the queue's (time, then registration).
        var random = new Random(7);
        var keys = Enumerable.Range(0, 300).Select(k => "k" + k).OrderBy(_ => random.Next()).ToList();
        var deferred = Harness();
        var queued = Harness();
        foreach (var second in Enumerable.Range(0, 30).OrderBy(_ => random.Next()))
        {
            foreach (var key in keys)
            {
                deferred.ProcessElement(key, 1, (second * 1_000) + 10);
                queued.ProcessElement(key, 1, (second * 1_000) + 10);
            }
        }

        queued.ProcessWatermark(-1);
        Assert.Equal(9_000, Deferred(deferred));
        deferred.ProcessWatermark(Watermark.EndOfInput);
        queued.ProcessWatermark(Watermark.EndOfInput);

        Assert.Equal(9_000, queued.OutputValues().Count);
        Assert.Equal(queued.OutputValues(), deferred.OutputValues());
        Assert.Equal(0, Deferred(deferred));
    }

    [Fact]
    public void A_watermark_that_passes_some_deferred_timers_must_fire_only_those()
    {
        var harness = Harness();
        Feed(harness);
        harness.ProcessWatermark(999);
        Assert.Equal(["a@0:2", "c@0:1"], harness.OutputValues());

        harness.ProcessElement("c", 1, 5_000); // deferred again, behind the queued b@1000 and a@1000
        harness.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal(["a@0:2", "c@0:1", "b@1000:2", "a@1000:1", "c@5000:1"], harness.OutputValues());
    }

    [Fact]
    public void A_snapshot_taken_while_timers_are_deferred_must_hold_every_window_timer()
    {
        var running = Harness();
        Feed(running);
        var snapshot = running.Snapshot();

        var restored = Harness();
        restored.Restore(snapshot);
        restored.ProcessWatermark(Watermark.EndOfInput);

        Assert.Equal(Fired, restored.OutputValues());
    }

    [Fact]
    public void Inspected_timers_must_include_the_deferred_ones()
    {
        var harness = Harness();
        Feed(harness);

        Assert.Equal([999L, 1_999L], ((IOperatorInspection<string>)harness.Operator).EventTimeTimersOf("a"));
        Assert.Equal(0, Deferred(harness));
    }

    [Fact]
    public void A_firing_that_throws_must_leave_the_later_windows_timers_queued()
    {
        var harness = OperatorHarness.For(Tumbling().Aggregate(Aggregates.Count<long>(),
            (key, window, count) => key == "c" ? throw new InvalidOperationException("c fails") : $"{key}@{window.Start}:{count}"));
        Feed(harness);

        Assert.Throws<InvalidOperationException>(() => harness.ProcessWatermark(Watermark.EndOfInput));

        // a@0 fired, c@0 threw (its timer is gone, as a dequeued one), b@1000 and a@1000 wait in the queue.
        Assert.Equal(["a@0:2"], harness.OutputValues());
        var timers = (IOperatorInspection<string>)harness.Operator;
        Assert.Equal([1_999L], timers.EventTimeTimersOf("a"));
        Assert.Equal([1_999L], timers.EventTimeTimersOf("b"));
        Assert.Empty(timers.EventTimeTimersOf("c"));
        Assert.Equal(3, ((WindowOperator<string, long, long, string>)harness.Operator).WindowCount); // a@0 left, c@0 stays as a failed firing leaves it
    }

    [Fact]
    public void A_firing_that_throws_with_failures_isolated_must_leave_only_its_failure_and_fire_the_rest()
    {
        var harness = OperatorHarness.For(Tumbling().Aggregate(Aggregates.Count<long>(),
            (key, window, count) => key == "c" ? throw new InvalidOperationException("c fails") : $"{key}@{window.Start}:{count}"));
        ((IIsolatesFailures)harness.Operator).IsolateFailures = true;
        Feed(harness);

        harness.ProcessWatermark(Watermark.EndOfInput);

        Assert.Equal(["a@0:2", "b@1000:2", "a@1000:1"], harness.OutputValues());
        var failure = Assert.Single(harness.SideOutput(FailureIsolation.Failed));
        Assert.Equal("c", failure.Value.Key);
        Assert.Equal(0, ((WindowOperator<string, long, long, string>)harness.Operator).WindowCount);
        Assert.Equal(0, Deferred(harness));
    }

    [Theory]
    [InlineData("process", false)]
    [InlineData("process", true)]
    [InlineData("clear", false)]
    [InlineData("clear", true)]
    public void A_window_function_that_throws_must_leave_what_the_queue_leaves(string fails, bool isolated)
    {
        OperatorHarness<string, long, string> Failing()
        {
            var harness = OperatorHarness.For(Tumbling().Process(new FailsForC(fails)));
            ((IIsolatesFailures)harness.Operator).IsolateFailures = isolated;
            Feed(harness);
            return harness;
        }

        var deferred = Failing();
        var queued = Failing();
        queued.ProcessWatermark(-1);
        Assert.Equal(0, Internal(queued, "DeferredTimerCount"));
        Assert.Equal(4, Internal(deferred, "DeferredTimerCount"));

        Assert.Equal(Outcome(queued), Outcome(deferred));
    }

    [Fact]
    public void Sliding_windows_fired_from_deferred_timers_must_fire_as_from_the_queue()
    {
        OperatorHarness<string, long, string> Sliding() => OperatorHarness.For(WindowOperators.For<string, long>(SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)))
            .Aggregate(Aggregates.Count<long>(), (key, window, count) => $"{key}@{window.Start}:{count}"));
        var deferred = Sliding();
        var queued = Sliding();
        Feed(deferred);
        Feed(queued);
        Assert.Equal(7, Deferred(deferred)); // b: 2 windows, a: 3, c: 2

        queued.ProcessWatermark(-2_000);
        deferred.ProcessWatermark(Watermark.EndOfInput);
        queued.ProcessWatermark(Watermark.EndOfInput);

        Assert.Equal(queued.OutputValues(), deferred.OutputValues());
        Assert.Equal(["a@-1000:2", "c@-1000:1", "b@0:2", "a@0:3", "c@0:1", "b@1000:2", "a@1000:1"], deferred.OutputValues());
    }

    [Fact]
    public void Windows_with_allowed_lateness_must_register_their_timers_at_once()
    {
        var harness = OperatorHarness.For(Tumbling().WithAllowedLateness(TimeSpan.FromSeconds(1))
            .Aggregate(Aggregates.Count<long>(), (key, window, count) => $"{key}@{window.Start}:{count}"));
        Feed(harness);

        Assert.Equal(0, ((WindowOperator<string, long, long, string>)harness.Operator).DeferredTimerCount);
        harness.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal(Fired, harness.OutputValues());
    }

    /// <summary>Fires at the end of input; what it emitted, cleared and failed, the windows and timers left.</summary>
    private static string Outcome(OperatorHarness<string, long, string> harness)
    {
        var error = "none";
        try
        {
            harness.ProcessWatermark(Watermark.EndOfInput);
        }
        catch (InvalidOperationException e)
        {
            error = e.Message;
        }

        var timers = (IOperatorInspection<string>)harness.Operator;
        return string.Join(" | ", string.Join(",", harness.OutputValues()), string.Join(",", harness.SideOutput(FailsForC.Cleared).Select(r => r.Value)),
            string.Join(",", harness.SideOutput(FailureIsolation.Failed).Select(r => r.Value.Key)), error,
            Internal(harness, "WindowCount"),
            string.Join(",", new[] { "a", "b", "c" }.Select(k => k + ":" + string.Join("/", timers.EventTimeTimersOf(k)))));
    }

    /// <summary>A count the window operator keeps for tests, whatever its state type (a buffering function's is not a count's).</summary>
    private static int Internal(OperatorHarness<string, long, string> harness, string property) =>
        (int)harness.Operator.GetType().GetProperty(property, System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(harness.Operator)!;

    private static WindowOperatorBuilder<string, long> Tumbling() => WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)));

    private static void Feed(OperatorHarness<string, long, string> harness)
    {
        foreach (var (key, timestamp) in Records)
        {
            harness.ProcessElement(key, 1, timestamp);
        }
    }

    private static int Deferred(OperatorHarness<string, long, string> harness) =>
        ((WindowOperator<string, long, long, string>)harness.Operator).DeferredTimerCount;

    private static OperatorHarness<string, long, string> Harness() =>
        OperatorHarness.For(Tumbling()
            .Aggregate(Aggregates.Count<long>(), (key, window, count) => $"{key}@{window.Start}:{count}"));

    /// <summary>Counts a window (in window state) and reports its clearing; throws for key c in Process or Clear.</summary>
    private sealed class FailsForC(string fails) : ProcessWindowFunction<string, long, string>
    {
        public static readonly OutputTag<string> Cleared = new("cleared");

        private static readonly ReducingStateDescriptor<long> Count = new("count", (a, b) => a + b);

        public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output)
        {
            context.WindowState.GetReducingState(Count).Add(elements.Count);
            if (key == "c" && fails == "process")
            {
                throw new InvalidOperationException("process c");
            }

            output.Collect($"{key}@{context.Window.Start}:{elements.Count}");
        }

        public override void Clear(ProcessWindowContext context)
        {
            context.Output(Cleared, $"{context.Window.Start}:{context.WindowState.GetReducingState(Count).Get()}");
            if (fails == "clear" && context.WindowState.GetReducingState(Count).Get() == 1 && context.Window.Start == 0)
            {
                throw new InvalidOperationException("clear c@0");
            }
        }
    }
}
