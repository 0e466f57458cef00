using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using static ActorFlow.Hosting.Tests.CountJob;

namespace ActorFlow.Hosting.Tests;

/// <summary>
/// A job run by a Generic Host: it starts with the host, reports healthy, stops with a savepoint when the host stops
/// (also when the host stops its services concurrently: the node died under the savepoint), and a second host started
/// from that savepoint goes on where it stopped (no count repeated, none lost).
/// </summary>
public sealed class HostedJobSpec : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 1, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-hosted-job");

    /// <summary>Verify the job's whole life under a host: start, output, health, stop with a savepoint, start from it.</summary>
    [Fact]
    public async Task A_hosted_job_must_stop_with_a_savepoint_and_resume_from_it_in_the_next_host()
    {
        using var topics = new TestTopics(_kafka.BootstrapServers);
        var clicks = topics.Topic("clicks", Clicks);
        var counts = topics.Topic("counts", TopicFormat.Utf8);

        // The first host stops its services concurrently (HostOptions.ServicesStopConcurrently): its job still stops, with
        // its savepoint, before its node shuts down.
        using (var first = BuildHost(fromSavepoint: null, stopConcurrently: true))
        {
            await first.StartAsync().WaitAsync(Timeout);
            var job = first.Services.GetRequiredService<ActorFlowJobs>().Get("clicks-per-second");
            // The host runs the node's shutdown after its jobs stopped: Akka's own hook on process exit (SIGTERM) ran it at
            // once beside the host's stop, released the checkpoint store under the savepoint and hung the stop (found by a
            // multi-node review sending real signals).
            var system = await first.Services.GetRequiredService<ActorFlowNode>().WhenUp;
            Assert.False(system.Settings.Config.GetBoolean("akka.coordinated-shutdown.run-by-clr-shutdown-hook"));
            clicks.Produce([new("ann", Base + 100), new("bob", Base + 200), new("ann", Base + 900), new("carl", Base + 2_100)]);
            await counts.AwaitCountAsync(2, Timeout); // the first second's window, published by a periodic checkpoint

            var health = await ActivatorUtilities.CreateInstance<ActorFlowHealthCheck>(first.Services).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Healthy, health.Status);
            Assert.Contains("running", (string)health.Data["clicks-per-second"], StringComparison.Ordinal);

            await first.StopAsync().WaitAsync(Timeout);
            Assert.True(job.Completion.IsCompletedSuccessfully);
        }

        // Started from the savepoint the stop took (a start from a savepoint that does not exist fails): carl's window
        // fires from the restored state, and nothing of the first second is counted again.
        using (var second = BuildHost(fromSavepoint: "upgrade-1"))
        {
            await second.StartAsync().WaitAsync(Timeout);
            clicks.Produce([new("dan", Base + 4_100)]);
            await counts.AwaitCountAsync(3, Timeout);
            await second.StopAsync().WaitAsync(Timeout);
        }

        OutputAssert.Equivalent([$"ann|{Base}|2", $"bob|{Base}|1", $"carl|{Base + 2_000}|1"], counts.ReadToEnd());
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private IHost BuildHost(string? fromSavepoint, bool stopConcurrently = false)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.Configure<HostOptions>(o => o.ServicesStopConcurrently = stopConcurrently);
        builder.Services.AddActorFlowNode(node =>
        {
            node.SystemName = "hosted-job";
            node.State = StateStoreSettings.Sqlite(_data.Path);
        });
        builder.Services.AddActorFlowJob((_, system) => Build(system, _kafka), job =>
        {
            job.Runner = new JobRunnerOptions { CheckpointInterval = TimeSpan.FromSeconds(1), FromSavepoint = fromSavepoint };
            job.StopMode = JobStopMode.Savepoint;
            job.SavepointName = (_, _) => fromSavepoint is null ? "upgrade-1" : "upgrade-2";
        });
        return builder.Build();
    }
}
