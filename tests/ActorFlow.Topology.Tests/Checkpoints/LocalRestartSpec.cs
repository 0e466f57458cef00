using System.Diagnostics.Metrics;
using System.Globalization;
using System.Runtime.CompilerServices;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

public sealed class LocalRestartSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1, ["dead"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-local-restart");

    /// <summary>
    /// Verify that a key group whose operator throws once (its window function, while a watermark fires windows) is
    /// restarted alone from its last state: the job does not fail over (the other key groups never stop), the restart
    /// is counted, and with the exactly-once sink every window is in the output exactly once with the reference count
    /// (a restart that did not replay what the key group applied since its snapshot would lose counts).
    /// </summary>
    [Fact]
    public async Task An_operator_that_throws_once_must_be_restarted_from_its_last_state_without_a_failover()
    {
        var label = new ThrowingLabel(ThrowingLabel.Poisoned, times: 1);
        using var restarts = new RestartCounter("local-restart-count");

        var (job, expected, output) = await ThrowingLabel.RunAsync(_kafka, _data.Path, "local-restart-count", label, new JobRunnerOptions());

        Assert.Equal(1, label.Thrown);
        Assert.Equal(0, job.Restarts);
        Assert.Equal(1, restarts.Total);
        ThrowingLabel.AssertExactly(expected, output);
    }

    /// <summary>
    /// Verify that a window function that throws again on the same firing after its local restart (a deterministic
    /// failure) is not retried forever and does not fail the job over (issue 14): the firing becomes a dead letter
    /// naming operator, key and window, the key group goes on, and every other window is exact.
    /// </summary>
    [Fact]
    public async Task An_operator_that_throws_again_after_its_restart_must_dead_letter_the_firing_and_go_on()
    {
        var label = new ThrowingLabel(ThrowingLabel.Poisoned, times: 2);
        using var restarts = new RestartCounter("local-restart-twice");

        var (job, expected, output) = await ThrowingLabel.RunAsync(_kafka, _data.Path, "local-restart-twice", label, new JobRunnerOptions(), deadLetters: "dead", missing: 1);

        Assert.Equal(2, label.Thrown);
        Assert.Equal(0, job.Restarts);
        Assert.Equal(1, restarts.Total);
        Assert.True(expected.Remove(ThrowingLabel.Poisoned));
        ThrowingLabel.AssertExactly(expected, output);
        var dead = Assert.Single(new ClickTopics(_kafka).ReadWithHeaders("dead"));
        Assert.Contains($"operator 'count' failed firing window [{ClickTopics.Base + 3000}, {ClickTopics.Base + 4000}) of key 'user-3'", dead.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that a keyed process function that declares it replays deterministically (and reads time only through
    /// its context, which the host drives) is restarted alone when its timer callback throws once: no failover, one
    /// counted restart, and the per-second counts it emits from event-time timers are exact.
    /// </summary>
    [Fact]
    public async Task A_deterministic_process_function_whose_timer_throws_once_must_be_restarted_without_a_failover()
    {
        var calls = new StrongBox<int>();
        using var restarts = new RestartCounter("local-restart-process");

        // A function object per operator: it holds its operator's state handles.
        var (job, expected, output) = await ThrowingLabel.RunAsync(_kafka, _data.Path, "local-restart-process", null, new JobRunnerOptions(),
            () => KeyedProcessOperators.Create(new ThrowingCounter(ThrowingLabel.Poisoned, calls)));

        Assert.True(Volatile.Read(ref calls.Value) >= 2, "the poisoned timer was not retried");
        Assert.Equal(0, job.Restarts);
        Assert.Equal(1, restarts.Total);
        ThrowingLabel.AssertExactly(expected, output);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    /// <summary>Sums <c>actorflow.keygroup.restarts</c> of one job.</summary>
    private sealed class RestartCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private long _total;

        public RestartCounter(string job)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == JobMetrics.MeterName && instrument.Name == "actorflow.keygroup.restarts")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "job" && Equals(tag.Value, job))
                    {
                        Interlocked.Add(ref _total, value);
                    }
                }
            });
            _listener.Start();
        }

        public long Total => Interlocked.Read(ref _total);

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>
    /// Counts clicks per user and second in map state and emits <c>user|start|count</c> when the event-time timer at
    /// the second's end fires; the timer of <paramref name="poisoned"/> throws the first time (<paramref name="calls"/>
    /// counts its calls across the operators of all key groups).
    /// </summary>
    private sealed class ThrowingCounter(string poisoned, StrongBox<int> calls) : KeyedProcessFunction<string, Click, string>
    {
        private IMapState<long, long> _counts = null!;

        public override bool ReplaysDeterministically => true;

        public override void Open(IKeyedStateStore state) => _counts = state.GetMapState(new MapStateDescriptor<long, long>("counts"));

        public override void ProcessElement(Click value, Context context, ICollector<string> output)
        {
            var start = value.Time - (((value.Time % 1000) + 1000) % 1000);
            _counts.Put(start, (_counts.TryGetValue(start, out var n) ? n : 0) + 1);
            context.TimerService.RegisterEventTimeTimer(start + 999);
        }

        public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output)
        {
            var start = timestamp - 999;
            var label = string.Create(CultureInfo.InvariantCulture, $"{context.CurrentKey}|{start}");
            if (label == poisoned && Interlocked.Increment(ref calls.Value) == 1)
            {
                throw new InvalidOperationException("timer bug (once)");
            }

            if (_counts.TryGetValue(start, out var count))
            {
                output.Collect(string.Create(CultureInfo.InvariantCulture, $"{label}|{count}"));
                _counts.Remove(start);
            }
        }
    }
}
