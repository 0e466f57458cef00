using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Checkpoints;

public sealed class FailoverSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-failover");

    /// <summary>
    /// Verify that a key group that crashes in the middle of a run (its window function throws once while firing,
    /// and local restarts are off, so it loses what it applied since its checkpoint) makes the whole job fail over to
    /// its last complete checkpoint instead of going on with a key group behind the others: with the exactly-once
    /// sink, every window is in the output exactly once with the reference count; the store keeps the job's failure
    /// and each checkpoint's duration.
    /// </summary>
    [Fact]
    public async Task A_key_group_that_loses_its_state_must_make_the_job_fail_over_to_its_last_checkpoint()
    {
        var label = new ThrowingLabel(ThrowingLabel.Poisoned, times: 1);

        var (job, expected, output) = await ThrowingLabel.RunAsync(_kafka, _data.Path, "failing-over-count", label, new JobRunnerOptions { KeyGroupRestartLog = 0 });

        Assert.Equal(1, label.Thrown);
        Assert.True(job.Restarts >= 1, $"the job did not fail over (restarts: {job.Restarts})");
        ThrowingLabel.AssertExactly(expected, output);

        // What `actorflow status` shows: the job's failure, and how long its checkpoints took.
        await using var store = CheckpointStore.Create(StateStoreSettings.Sqlite(_data.Path));
        var failure = Assert.Single(await store.ListFailuresAsync("failing-over-count"), f => f.Kind == JobFailureKind.Job);
        Assert.Contains("window function bug", failure.Message, StringComparison.Ordinal);
        Assert.True((await store.LoadLatestAsync("failing-over-count"))!.DurationMs >= 0);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }
}
