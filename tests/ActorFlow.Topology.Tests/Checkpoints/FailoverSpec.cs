using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Checkpoints;

public sealed class FailoverSpec : IDisposable
{
    private static readonly ConcurrentDictionary<string, int> Thrown = new(StringComparer.Ordinal);
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-failover");

    /// <summary>
    /// Verify that a key group that crashes in the middle of a run (its window function throws once while firing,
    /// so the entity restarts and loses what it applied since its checkpoint) makes the whole job fail over to its
    /// last complete checkpoint instead of going on with a key group behind the others: with the exactly-once sink,
    /// every window is in the output exactly once with the reference count.
    /// </summary>
    [Fact]
    public async Task A_key_group_that_loses_its_state_must_make_the_job_fail_over_to_its_last_checkpoint()
    {
        var topics = new ClickTopics(_kafka);
        var random = new Random(11);
        var clicks = Enumerable.Range(0, 6000)
            .Select(i => new Click("user-" + (i % 20).ToString(CultureInfo.InvariantCulture), ClickTopics.Base + (i * 2) + random.Next(-300, 300)))
            .ToList();
        var expected = ClickTopics.CountsPerSecond(clicks);

        var system = await ActorFlowCluster.StartNodeAsync("failover", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, BuildJob(system), new JobRunnerOptions
            {
                CheckpointInterval = TimeSpan.FromMilliseconds(300),
                AskTimeout = TimeSpan.FromSeconds(2),
            });
            topics.Produce(clicks.Take(3000));
            await ClickTopics.AwaitAsync(() => job.LastCompletedCheckpoint > 0, TimeSpan.FromSeconds(60));
            topics.Produce(clicks.Skip(3000));
            topics.ProduceEnd();

            await ClickTopics.AwaitAsync(() => topics.Read("counts").Count >= expected.Count, TimeSpan.FromSeconds(90));
            await job.StopAsync(TimeSpan.FromSeconds(30));

            Assert.Equal(1, Thrown.GetValueOrDefault(Poisoned));
            Assert.True(job.Restarts >= 1, $"the job did not fail over (restarts: {job.Restarts})");
            var output = topics.Read("counts");
            Assert.Equal(output.Count, output.Distinct(StringComparer.Ordinal).Count()); // nothing twice
            var counts = output.Select(r => r.Split('|')).ToDictionary(p => p[0] + "|" + p[1], p => long.Parse(p[2], CultureInfo.InvariantCulture));
            Assert.Equal(expected.OrderBy(e => e.Key, StringComparer.Ordinal), counts.OrderBy(e => e.Key, StringComparer.Ordinal));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    /// <summary>The window whose function throws the first time it fires: user-3's window 3 s after the start.</summary>
    private static string Poisoned => $"user-3|{ClickTopics.Base + 3000}";

    private StreamJob BuildJob(ActorSystem system) =>
        new ClickTopics(_kafka).ExactlyOnceCountJob(system, "failing-over-count", "failover", label: new ThrowingOnceLabel());

    /// <summary>Labels a window's count; throws the first time the poisoned window fires (a bug that crashes the key group once).</summary>
    private sealed class ThrowingOnceLabel : ProcessWindowFunction<string, long, string>
    {
        public override void Process(string key, ProcessWindowContext context, IReadOnlyList<long> elements, ICollector<string> output)
        {
            var label = $"{key}|{context.Window.Start}";
            if (label == Poisoned && Thrown.TryAdd(label, 1))
            {
                throw new InvalidOperationException("window function bug (once)");
            }

            output.Collect(string.Create(CultureInfo.InvariantCulture, $"{label}|{elements[0]}"));
        }
    }
}
