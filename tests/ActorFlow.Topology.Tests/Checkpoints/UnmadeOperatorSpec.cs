using ActorFlow.Kafka.Embedded;
using ActorFlow.Operators;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A key group whose operator factory throws when the key group starts (after the job's build made it once) refuses
/// its batches with the factory's error, so the job fails over at once and names it; before, the key group failed to
/// start and its batches went unanswered until they timed out.
/// </summary>
public sealed class UnmadeOperatorSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-unmade-operator");

    /// <summary>
    /// Verify that a factory throwing for the first key group that starts makes the job fail over, the store keeps
    /// the factory's error as the job's failure, and after the restart every window is out exactly once.
    /// </summary>
    [Fact]
    public async Task An_operator_that_cannot_be_made_must_fail_the_job_over_naming_the_error()
    {
        var calls = 0;
        IKeyedOperator<string, Click, string> Counter() =>
            Interlocked.Increment(ref calls) == 3 // the build makes two (calls 1 and 2); the first key group to start makes call 3
                ? throw new InvalidOperationException("operator factory bug")
                : WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1))).Aggregate(new CountAggregate(), new Label());

        var (job, expected, output) = await ThrowingLabel.RunAsync(_kafka, _data.Path, "unmade-operator", null, ThrowingLabel.FailoverOptions(RestartStrategy.FixedDelay(10, TimeSpan.FromMilliseconds(200))), Counter);

        Assert.True(job.Restarts >= 1, $"the job did not fail over (restarts: {job.Restarts})");
        ThrowingLabel.AssertExactly(expected, output);
        await using var store = CheckpointStore.Create(StateStoreSettings.Sqlite(_data.Path));
        var failure = Assert.Single(await store.ListFailuresAsync("unmade-operator"), f => f.Kind == JobFailureKind.Job);
        Assert.Contains("could not be made (InvalidOperationException: operator factory bug)", failure.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }
}
