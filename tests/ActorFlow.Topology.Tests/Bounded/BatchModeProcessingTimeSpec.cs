using System.Collections.Concurrent;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Bounded;

/// <summary>
/// At the end of a bounded input, batch mode fires every pending processing-time timer (after the event-time ones), as
/// Flink's batch-mode timer service does at the end of each key: a timeout armed an hour ahead and a one-hour
/// processing-time window give their results, where they stayed pending in the final snapshot before (found by a Flink
/// developer's review). A timer that re-arms itself then is dropped, not fired without end. Streaming mode over the
/// same bounded input fires none of them, as Flink's streaming mode. The job's processing-time clock stands still in
/// the middle of an hour: on the wall clock, a run that crossed a full hour fired the window (streaming) or split a
/// key's records over two windows (batch).
/// </summary>
public sealed class BatchModeProcessingTimeSpec : IDisposable
{
    private static readonly ValueStateDescriptor<long> Armed = new("armed");

    /// <summary>Half past an hour: the one-hour window in force ends, and the timeouts are due, only half an hour or more later.</summary>
    private static readonly long HalfPast = new DateTimeOffset(2026, 1, 1, 0, 30, 0, TimeSpan.Zero).ToUnixTimeMilliseconds();
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-batch-processing-time");

    /// <summary>
    /// Verify the timeouts and window counts in batch mode, on the key groups in place and on their entities, and none
    /// streaming, with processing time held at half past an hour (a clock that does not move).
    /// </summary>
    [Theory]
    [InlineData(ExecutionMode.Batch, true)]
    [InlineData(ExecutionMode.Batch, false)]
    [InlineData(ExecutionMode.Streaming, false)]
    public async Task Pending_processing_time_timers_must_fire_at_the_end_of_a_batch_run(ExecutionMode mode, bool inPlace)
    {
        List<(Ev Value, long Time)> input = [.. new[] { "a", "b", "a", "c", "a", "b" }.Select((k, i) => (new Ev(k, 1_000 + i), 1_000L + i))];
        var system = await ActorFlowCluster.StartNodeAsync("batch-processing-time", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var timeouts = new ConcurrentQueue<string>();
            var windows = new ConcurrentQueue<string>();
            var job = await JobRunner.StartAsync(
                system,
                Job($"processing-time-{mode}-{inPlace}", new BoundedListSource<Ev>([input], chunk: 2), new QueueSink<string>(timeouts), new QueueSink<string>(windows)),
                new JobRunnerOptions { ExecutionMode = mode, BatchKeyGroupsInPlace = inPlace, Clock = new ManualTimeProvider(HalfPast) });
            await job.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            if (mode == ExecutionMode.Batch)
            {
                Assert.Equal(["timeout a", "timeout b", "timeout c"], timeouts.Order(StringComparer.Ordinal));
                Assert.Equal(["window a 3", "window b 2", "window c 1"], windows.Order(StringComparer.Ordinal));
            }
            else
            {
                Assert.Empty(timeouts);
                Assert.Empty(windows);
            }
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private static StreamJob Job(string name, ISourceConnector<Ev> source, ISinkConnector<string> timeouts, ISinkConnector<string> windows)
    {
        var builder = StreamJobBuilder.Create(name);
        var events = builder.FromSource("events", source, WatermarkStrategy<Ev>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((e, _) => e.Time));
        events.KeyBy(e => e.Key).Process("timeouts", () => KeyedProcessOperators.Create(new Timeout())).To(timeouts);
        events.KeyBy(e => e.Key)
            .Process("windows", () => WindowOperators.For<string, Ev>(TumblingProcessingTimeWindows.Of(TimeSpan.FromHours(1)))
                .Aggregate(new Count(), (key, _, count) => $"window {key} {count}"))
            .To(windows);
        return builder.Build();
    }

    private sealed record Ev(string Key, long Time);

    /// <summary>Arms a processing-time timer an hour ahead at a key's first record; its firing reports and re-arms it.</summary>
    private sealed class Timeout : KeyedProcessFunction<string, Ev, string>
    {
        public override void ProcessElement(Ev value, Context context, ICollector<string> output)
        {
            var armed = context.State.GetState(Armed);
            if (!armed.HasValue)
            {
                var at = context.TimerService.CurrentProcessingTime + 3_600_000;
                armed.Update(at);
                context.TimerService.RegisterProcessingTimeTimer(at);
            }
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            output.Collect("timeout " + context.CurrentKey);
            context.TimerService.RegisterProcessingTimeTimer(timestamp + 3_600_000);
        }
    }

    private sealed class Count : IAggregateFunction<Ev, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(Ev value, long accumulator) => accumulator + 1;

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b) => a + b;
    }
}
