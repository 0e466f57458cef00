using System.Globalization;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;

namespace ActorFlow.Docs.Tests.Runtime;

/// <summary>
/// docs/runtime.md, "Job graphs": one compiled example per shape (built, not run; the specs in
/// tests/ActorFlow.Topology.Tests/Graphs run each shape end to end against a reference).
/// </summary>
public static class JobGraphSnippets
{
    /// <summary>A count per user and second, then the top 3 users of each second (a re-partition: two hops).</summary>
    public static StreamJob TwoStages(DataStream<Click> clicks, ISinkConnector<string> sink)
    {
        // begin-snippet: graph-two-stages
        clicks.KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(Aggregates.Count<Click>(), (user, window, count) => new UserCount(user, window.Start, count)))
            .KeyBy(c => c.WindowStart)                        // another key: re-partitioned, a second hop
            .Process("top3", () => KeyedProcessOperators.Create(new TopThree()))
            .To(sink);
        // end-snippet
        return Job(clicks);
    }

    /// <summary>A stage chained on the same key, and a keyed stage's output to a Select, two sinks and a side-output stream.</summary>
    public static StreamJob ChainedAndFannedOut(DataStream<Click> clicks, ISinkConnector<UserCount> counts, ISinkConnector<string> lines, ISinkConnector<string> late)
    {
        // begin-snippet: graph-chain-and-fan-out
        var perSecond = clicks.KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(Aggregates.Count<Click>(), (user, window, count) => new UserCount(user, window.Start, count)));
        perSecond.To(counts);                                  // a stream may go to several sinks
        perSecond.Select(c => $"{c.User} {c.Count}").To(lines);
        perSecond.SideOutput(OutputTags.LateData<Click>()).Select(c => c.User).To(late);
        perSecond.KeepKey(c => c.User)                         // same key: chained, same key group, no hop
            .Process("total", () => KeyedProcessOperators.Create(new RunningTotal()))
            .To(counts);
        // end-snippet
        return Job(clicks);
    }

    /// <summary>A window join, an interval join and a co-process function over two keyed streams.</summary>
    public static StreamJob TwoInputs(DataStream<Click> clicks, DataStream<Click> views, ISinkConnector<string> sink)
    {
        // begin-snippet: graph-two-inputs
        clicks.Join(views).Where(c => c.User).EqualTo(v => v.User)
            .Window(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(10)))
            .Apply("click-view", (click, view) => $"{click.User} {view.Time} {click.Time}")
            .To(sink);
        clicks.KeyBy(c => c.User).IntervalJoin(views.KeyBy(v => v.User))
            .Between(TimeSpan.FromSeconds(-5), TimeSpan.Zero)  // views up to 5 s before the click
            .Process("viewed-then-clicked", (click, view) => $"{click.User} {click.Time - view.Time}")
            .To(sink);
        clicks.KeyBy(c => c.User).Connect(views.KeyBy(v => v.User))
            .Process("last-seen", () => new LastSeen())          // state and timers shared by both inputs
            .To(sink);
        // end-snippet
        return Job(clicks);
    }

    /// <summary>Rules from a low-volume stream, broadcast to every key group of a keyed stage.</summary>
    public static StreamJob Broadcast(DataStream<Click> clicks, DataStream<long> limits, ISinkConnector<string> sink)
    {
        // begin-snippet: graph-broadcast
        var rules = limits.Broadcast(OverLimit.Limits);        // every record reaches every key group
        clicks.KeyBy(c => c.User)
            .Connect(rules)
            .Process("over-limit", () => new OverLimit())
            .To(sink);
        // end-snippet
        return Job(clicks);
    }

    /// <summary>Windows written as Flink writes them: a windowed stream, and count windows.</summary>
    public static StreamJob Windows(DataStream<Click> clicks, ISinkConnector<UserCount> counts, ISinkConnector<Click> late, ISinkConnector<string> lines)
    {
        // begin-snippet: graph-windowed-stream
        var tag = new OutputTag<Click>("late-clicks");
        var perSecond = clicks.KeyBy(c => c.User)
            .Window(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
            .AllowedLateness(TimeSpan.FromSeconds(5))          // late records fire their window again
            .SideOutputLateData(tag)                           // later ones go here
            .Aggregate("count", Aggregates.Count<Click>(), (user, window, count) => new UserCount(user, window.Start, count));
        perSecond.To(counts);
        perSecond.SideOutput(tag).To(late);
        clicks.KeyBy(c => c.User)
            .CountWindow(100)                                  // every 100 clicks of a user
            .Reduce("latest", (a, b) => a.Time >= b.Time ? a : b)
            .Select(c => $"{c.User} {c.Time}")
            .To(lines);
        // end-snippet
        return Job(clicks);
    }

    private static StreamJob Job(DataStream<Click> clicks) => throw new NotSupportedException("compiled, not run: " + clicks);

    /// <summary>A window's count for one user.</summary>
    public sealed record UserCount(string User, long WindowStart, long Count);

    /// <summary>The top 3 users of a window, emitted when the watermark passes it.</summary>
    public sealed class TopThree : KeyedProcessFunction<long, UserCount, string>
    {
        private IListState<UserCount> _counts = null!;

        public override void Open(IKeyedStateStore state) => _counts = state.GetListState(new ListStateDescriptor<UserCount>("counts"));

        public override void ProcessElement(UserCount value, Context context, ICollector<string> output)
        {
            _counts.Add(value);
            context.TimerService.RegisterEventTimeTimer(context.Timestamp!.Value);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            output.Collect(string.Join(",", _counts.Get().OrderByDescending(c => c.Count).Take(3).Select(c => c.User)));
            _counts.Clear();
        }
    }

    /// <summary>The running total of a user's counts.</summary>
    public sealed class RunningTotal : KeyedProcessFunction<string, UserCount, UserCount>
    {
        private IValueState<long> _total = null!;

        public override void Open(IKeyedStateStore state) => _total = state.GetState(new ValueStateDescriptor<long>("total"));

        public override void ProcessElement(UserCount value, Context context, ICollector<UserCount> output)
        {
            _total.Update(_total.Value + value.Count);
            output.Collect(value with { Count = _total.Value });
        }
    }

    /// <summary>Remembers when a user last viewed; reports clicks without a view in the 10 s before.</summary>
    public sealed class LastSeen : KeyedCoProcessFunction<string, Click, Click, string>
    {
        private IValueState<long> _viewed = null!;

        public override void Open(IKeyedStateStore state) => _viewed = state.GetState(new ValueStateDescriptor<long>("viewed"));

        public override void ProcessElement1(Click value, Context context, ICollector<string> output)
        {
            if (!_viewed.HasValue || value.Time - _viewed.Value > 10_000)
            {
                output.Collect(string.Create(CultureInfo.InvariantCulture, $"{value.User} clicked unseen at {value.Time}"));
            }
        }

        public override void ProcessElement2(Click value, Context context, ICollector<string> output) => _viewed.Update(value.Time);
    }

    /// <summary>Alerts on a user's click count above the limit in force.</summary>
    public sealed class OverLimit : KeyedBroadcastProcessFunction<string, Click, long, string>
    {
        /// <summary>The broadcast state: the limit in force.</summary>
        public static readonly MapStateDescriptor<string, long> Limits = new("limits");

        private IValueState<long> _clicks = null!;

        public override void Open(IKeyedStateStore state) => _clicks = state.GetState(new ValueStateDescriptor<long>("clicks"));

        public override void ProcessElement(Click value, ReadOnlyContext context, ICollector<string> output)
        {
            _clicks.Update(_clicks.Value + 1);
            if (context.GetBroadcastState(Limits).TryGetValue("limit", out var limit) && _clicks.Value > limit)
            {
                output.Collect($"{value.User} over {limit}");
            }
        }

        public override void ProcessBroadcastElement(long value, Context context, ICollector<string> output) =>
            context.GetBroadcastState(Limits)["limit"] = value;
    }
}
