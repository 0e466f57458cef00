using ActorFlow.Kafka.Embedded;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>Issue 14: the Kafka cluster going away for a while mid-run loses nothing and writes nothing twice.</summary>
public sealed class BrokerOutageSpec : IDisposable
{
    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-broker-outage");

    /// <summary>
    /// Verify that when every broker of the embedded cluster is down for three checkpoint intervals mid-run and then
    /// comes back, the exactly-once job goes on (checkpoints complete again) and writes every window exactly once with
    /// the reference count.
    /// </summary>
    [Fact]
    public async Task A_job_must_write_exact_output_across_a_broker_outage_longer_than_a_checkpoint_interval()
    {
        var (job, expected, output) = await ThrowingLabel.RunAsync(_kafka, _data.Path, "broker-outage", null, new JobRunnerOptions(), midRun: async running =>
        {
            for (var broker = 1; broker <= _kafka.BrokerCount; broker++)
            {
                _kafka.SetBrokerDown(broker);
            }

            try
            {
                // The fault's duration, not a wait for a result: three checkpoint intervals (300 ms each) without a broker.
                // Checkpoints started meanwhile complete only once their output can be published again.
                await Task.Delay(TimeSpan.FromMilliseconds(900));
            }
            finally
            {
                for (var broker = 1; broker <= _kafka.BrokerCount; broker++)
                {
                    _kafka.SetBrokerUp(broker);
                }
            }
        });

        ThrowingLabel.AssertExactly(expected, output);
        // Checkpoint 1 completed before the outage; one that publishes cannot complete while no broker is up, so a
        // second one (which published the rest of the output above) completed after it.
        Assert.True(job.LastCompletedCheckpoint >= 2, $"checkpoints stopped after the outage (last {job.LastCompletedCheckpoint})");
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }
}
