using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka.Actor;
using Confluent.Kafka;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A job whose key-group count (<see cref="StreamJobBuilder.WithMaxParallelism"/>) differs from the one its checkpoint
/// was taken with is refused at start, naming both counts, as Flink refuses a restore with a changed max parallelism.
/// It was accepted: the key groups above the new count were dropped and most keys hashed away from their state.
/// </summary>
public sealed class KeyGroupCountChangeSpec : IDisposable
{
    private const string Job = "key-group-count";
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-key-group-count");

    /// <summary>Verify that a start with another key-group count fails naming both, and one with the same count restores.</summary>
    [Fact]
    public async Task A_start_with_another_key_group_count_must_be_refused_naming_both()
    {
        var topics = new ClickTopics(_kafka);
        topics.Produce(ThrowingLabel.Clicks().Take(500));
        var system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var job = await JobRunner.StartAsync(system, Build(system, topics, 128), new JobRunnerOptions { CheckpointInterval = null });
            await ClickTopics.CheckpointUntilAsync(job, c => c.KeyGroups.Length > 0, "a checkpoint with key-group state");
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        system = await ActorFlowCluster.StartNodeAsync(Job, StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() =>
                JobRunner.StartAsync(system, Build(system, topics, 64), new JobRunnerOptions { CheckpointInterval = null }));
            Assert.Contains("128 key groups", refused.Message, StringComparison.Ordinal);
            Assert.Contains("WithMaxParallelism(128)", refused.Message, StringComparison.Ordinal);

            var job = await JobRunner.StartAsync(system, Build(system, topics, 128), new JobRunnerOptions { CheckpointInterval = null });
            await job.StopAsync(TimeSpan.FromSeconds(30));
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

    private StreamJob Build(ActorSystem system, ClickTopics topics, int keyGroups)
    {
        var consumer = ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId(Job);
        return StreamJobBuilder.Create(Job)
            .WithMaxParallelism(keyGroups)
            .FromSource("clicks", KafkaConnectors.Source(consumer, Subscriptions.Assignment([.. Enumerable.Range(0, 4).Select(p => new TopicPartition("clicks", p))]), ClickTopics.Format.FromKafka),
                WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time))
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new CountAggregate(), new Label()))
            .To(topics.PlainSink(system))
            .Build();
    }
}
