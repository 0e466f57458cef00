using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Dsl;

/// <summary>
/// Windows in the job DSL as Flink writes them (<c>keyed.Window(assigner)...Aggregate(...)</c>,
/// <c>CountWindow(n)</c>, <c>CountWindow(n, slide)</c>): the same operators as the window builder, without repeating
/// the types (a review found Flink users writing every window through <c>WindowOperators.For&lt;TKey, T&gt;</c>).
/// </summary>
public sealed class WindowedStreamSpec : IDisposable
{
    private const long B = BoundedJobs.Base;
    private static readonly OutputTag<Click> Late = new("late-clicks");
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-windowed-stream");

    /// <summary>
    /// Verify that a tumbling window with allowed lateness and a late side output, written on the windowed stream,
    /// gives what the window builder gives: the first firing, the late re-firing within the lateness, and the record
    /// too late for it on the side output.
    /// </summary>
    [Fact]
    public async Task A_windowed_stream_must_give_the_window_builders_results()
    {
        List<(Click Value, long Time)> input =
        [
            (new Click("a", B + 100), B + 100),
            (new Click("a", B + 900), B + 900),
            (new Click("a", B + 2_500), B + 2_500), // watermark 1,499: window [0, 1000) fires with 2
            (new Click("a", B + 300), B + 300),     // within 1 s of lateness: fires again with 3
            (new Click("a", B + 4_000), B + 4_000), // watermark 2,999: past the window's end plus lateness
            (new Click("a", B + 500), B + 500),     // too late: the side output
        ];

        var dsl = await RunAsync("windowed-dsl", input, clicks => clicks.KeyBy(c => c.User)
            .Window(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
            .AllowedLateness(TimeSpan.FromSeconds(1))
            .SideOutputLateData(Late)
            .Aggregate("count", Aggregates.Count<Click>(), (user, window, count) => Text(user, window, count)));
        var builder = await RunAsync("windowed-builder", input, clicks => clicks.KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .WithAllowedLateness(TimeSpan.FromSeconds(1))
                .WithLateDataOutput(Late)
                .Aggregate(Aggregates.Count<Click>(), (user, window, count) => Text(user, window, count))));

        Assert.Equal([$"a|{B}|2", $"a|{B}|3", $"a|{B + 2_000}|1", $"a|{B + 4_000}|1", $"late a|{B + 500}"], dsl);
        Assert.Equal(builder, dsl);
    }

    /// <summary>
    /// Verify Flink's count windows: <c>CountWindow(3)</c> fires and clears every third record of a key (the last
    /// incomplete window never fires); <c>CountWindow(3, 2)</c> fires every second record over the last three.
    /// </summary>
    [Fact]
    public async Task Count_windows_must_fire_every_n_records_per_key()
    {
        var input = Enumerable.Range(1, 7).Select(i => (new Click(i % 2 == 0 ? "b" : "a", B + (i * 1_000)), B + (i * 1_000)))
            .Concat(Enumerable.Range(1, 7).Select(i => (new Click("c", B + 10_000 + i), B + 10_000 + i)))
            .ToList();

        var tumbling = await RunAsync("count-tumbling", input, clicks => clicks.KeyBy(c => c.User).CountWindow(3).Process("count", () => new Times()));
        var sliding = await RunAsync("count-sliding", input, clicks => clicks.KeyBy(c => c.User).CountWindow(3, 2).Process("count", () => new Times()));

        // a: 1,3,5,7 (seconds); b: 2,4,6; c: 10,001 to 10,007 (ms after B).
        Assert.Equal(["a 1000,3000,5000", "b 2000,4000,6000", "c 10001,10002,10003", "c 10004,10005,10006"], tumbling);
        Assert.Equal(
            ["a 1000,3000", "a 3000,5000,7000", "b 2000,4000", "c 10001,10002", "c 10002,10003,10004", "c 10004,10005,10006"],
            sliding);
    }

    /// <summary>Verify that a bad setting fails at its call, as the window builder's does.</summary>
    [Fact]
    public void A_bad_window_setting_must_fail_at_its_call()
    {
        var keyed = StreamJobBuilder.Create("bad-window")
            .FromSource("clicks", new BoundedListSource<Click>([]), BoundedJobs.Watermarks)
            .KeyBy(c => c.User);
        Assert.Throws<ArgumentException>(() => keyed.Window(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).AllowedLateness(TimeSpan.FromSeconds(-1)));
        var e = Assert.Throws<ArgumentException>(() => keyed.Window(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(1))).Trigger(new NotMerging()));
        Assert.Contains("cannot merge", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();

    private static string Text(string user, TimeWindow window, long count) => string.Create(CultureInfo.InvariantCulture, $"{user}|{window.Start}|{count}");

    // Runs the windowed job over the input (one partition, a watermark per record: 1 s of out-of-orderness) to its end.
    private async Task<List<string>> RunAsync(string name, List<(Click Value, long Time)> input, Func<DataStream<Click>, KeyedResult<string, Click, string>> windows)
    {
        var output = new ConcurrentQueue<string>();
        // The count windows buffer clicks: their serializer is the job's.
        var builder = StreamJobBuilder.Create(name).WithSerializers(new ActorFlow.Operators.Serialization.SerializerRegistry().Register(Serialization.WireTestJobs.ClickSerializer));
        var result = windows(builder.FromSource("clicks", new BoundedListSource<Click>([input], chunk: 1), BoundedJobs.PerRecordWatermarks));
        result.To(new QueueSink<string>(output));
        if (name.StartsWith("windowed", StringComparison.Ordinal))
        {
            result.SideOutput(Late).Select(c => string.Create(CultureInfo.InvariantCulture, $"late {c.User}|{c.Time}")).To(new QueueSink<string>(output));
        }

        var system = await ActorFlowCluster.StartNodeAsync(name, StateStoreSettings.Sqlite(Path.Combine(_data.Path, name)));
        try
        {
            var running = await JobRunner.StartAsync(system, builder.Build());
            await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        return [.. output.Order(StringComparer.Ordinal)];
    }

    /// <summary>A trigger of the user's that cannot merge (the default): refused for sessions.</summary>
    private sealed class NotMerging : ActorFlow.Operators.Windowing.Triggers.Trigger
    {
        public override ActorFlow.Operators.Windowing.Triggers.TriggerResult OnElement(long timestamp, TimeWindow window, ActorFlow.Operators.Windowing.Triggers.ITriggerContext context) =>
            ActorFlow.Operators.Windowing.Triggers.TriggerResult.Continue;

        public override ActorFlow.Operators.Windowing.Triggers.TriggerResult OnEventTime(long time, TimeWindow window, ActorFlow.Operators.Windowing.Triggers.ITriggerContext context) =>
            ActorFlow.Operators.Windowing.Triggers.TriggerResult.Continue;

        public override ActorFlow.Operators.Windowing.Triggers.TriggerResult OnProcessingTime(long time, TimeWindow window, ActorFlow.Operators.Windowing.Triggers.ITriggerContext context) =>
            ActorFlow.Operators.Windowing.Triggers.TriggerResult.Continue;

        public override void Clear(TimeWindow window, ActorFlow.Operators.Windowing.Triggers.ITriggerContext context)
        {
        }
    }

    /// <summary>The key and the window's records' times, in arrival order.</summary>
    private sealed class Times : ProcessWindowFunction<string, Click, string>
    {
        public override void Process(string key, ProcessWindowContext context, IReadOnlyList<Click> elements, ICollector<string> output) =>
            output.Collect(key + " " + string.Join(',', elements.Select(e => (e.Time - B).ToString(CultureInfo.InvariantCulture))));
    }
}
