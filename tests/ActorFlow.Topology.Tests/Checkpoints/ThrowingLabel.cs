using System.Globalization;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// Labels a window's count (<c>user|start|count</c>, as <see cref="ClickTopics"/>' own label); throws the first
/// <paramref name="times"/> times the window <paramref name="poisoned"/> (<c>user|start</c>) fires: a bug in a window
/// function that crashes the key group while a watermark fires windows.
/// </summary>
internal sealed class ThrowingLabel(string poisoned, int times) : ProcessWindowFunction<string, long, string>
{
    /// <summary>The window made to throw by <see cref="RunAsync"/>: user-3's window 3 s after the start.</summary>
    public static readonly string Poisoned = $"user-3|{ClickTopics.Base + 3000}";

    private int _calls;

    /// <summary>How often it threw.</summary>
    public int Thrown => Math.Min(Volatile.Read(ref _calls), times);

    public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output)
    {
        var label = string.Create(CultureInfo.InvariantCulture, $"{key}|{context.Window.Start}");
        if (label == poisoned && Interlocked.Increment(ref _calls) is var call && call <= times)
        {
            throw new InvalidOperationException($"window function bug (throw {call} of {times})");
        }

        output.Collect(string.Create(CultureInfo.InvariantCulture, $"{label}|{elements[0]}"));
    }

    /// <summary>
    /// Runs <see cref="ClickTopics.ExactlyOnceCountJob"/> labelled by <paramref name="label"/> over 6,000 out-of-order
    /// clicks (20 users, about 12 s; checkpoints every 300 ms, the first complete one before the second half is
    /// produced) until every window is out, then stops it.
    /// </summary>
    /// <param name="deadLetters">The dead-letter topic, or null for none.</param>
    /// <param name="missing">How many windows are expected not to come out (dead-lettered firings).</param>
    /// <param name="midRun">Runs after the first checkpoint completed, before the second half is produced.</param>
    /// <returns>The stopped job, the reference counts and the output topic (read_committed).</returns>
    public static async Task<(RunningJob Job, Dictionary<string, long> Expected, List<string> Output)> RunAsync(
        EmbeddedKafka kafka, string dataPath, string jobName, ThrowingLabel? label, JobRunnerOptions options, Func<IKeyedOperator<string, Click, string>>? counter = null,
        string? deadLetters = null, int missing = 0, Func<RunningJob, Task>? midRun = null)
    {
        var topics = new ClickTopics(kafka);
        var clicks = Clicks();
        var expected = ClickTopics.CountsPerSecond(clicks);

        var system = await ActorFlowCluster.StartNodeAsync(jobName, StateStoreSettings.Sqlite(dataPath));
        try
        {
            var job = await JobRunner.StartAsync(system, topics.ExactlyOnceCountJob(system, jobName, jobName, label: label, counter: counter, deadLetters: deadLetters), options with
            {
                CheckpointInterval = TimeSpan.FromMilliseconds(300),
            });
            topics.Produce(clicks.Take(3000));
            await Poll.UntilAsync(() => job.LastCompletedCheckpoint > 0, TimeSpan.FromSeconds(60));
            if (midRun is not null)
            {
                await midRun(job);
            }

            topics.Produce(clicks.Skip(3000));
            topics.ProduceEnd();

            await Poll.UntilAsync(() => topics.Read("counts").Count >= expected.Count - missing && (deadLetters is null || topics.Read(deadLetters).Count >= missing), TimeSpan.FromSeconds(90));
            await job.StopAsync(TimeSpan.FromSeconds(30));
            return (job, expected, topics.Read("counts"));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Every window exactly once (nothing twice) with its reference count.</summary>
    /// <summary>The 6,000 out-of-order clicks of 20 users (about 12 s of event time) that <see cref="RunAsync"/> produces.</summary>
    public static List<Click> Clicks()
    {
        var random = new Random(11);
        return Enumerable.Range(0, 6000)
            .Select(i => new Click("user-" + (i % 20).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 2) + random.Next(-300, 300)))
            .ToList();
    }

    /// <summary>
    /// Local restarts off (so that a throw means a failover), checkpoints every 300 ms, and
    /// <paramref name="strategy"/>.
    /// </summary>
    public static JobRunnerOptions FailoverOptions(RestartStrategy strategy) => new()
    {
        KeyGroupRestartLog = 0,
        CheckpointInterval = TimeSpan.FromMilliseconds(300),
        RestartStrategy = strategy,
    };

    public static void AssertExactly(Dictionary<string, long> expected, List<string> output)
    {
        Assert.Equal(output.Count, output.Distinct(StringComparer.Ordinal).Count());
        var counts = output.Select(r => r.Split('|')).ToDictionary(p => p[0] + "|" + p[1], p => long.Parse(p[2], CultureInfo.InvariantCulture));
        Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), counts.OrderBy(e => e.Key, StringComparer.Ordinal));
    }
}
