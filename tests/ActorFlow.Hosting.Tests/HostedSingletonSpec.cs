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
/// A job a host runs as a cluster singleton (<see cref="ActorFlowJobOptions.Singleton"/>): on a cluster of one the node
/// is the oldest, so the job runs here; the host's stop stops it as its stop mode says, and the next host's node takes
/// it over from there (nothing counted twice, nothing lost).
/// </summary>
public sealed class HostedSingletonSpec : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 1, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-hosted-singleton");

    /// <summary>Verify the singleton's start under a host, its health, its stop with a savepoint, and its takeover by the next host.</summary>
    [Fact]
    public async Task A_hosted_singleton_job_must_run_on_the_oldest_node_and_be_taken_over_by_the_next_host()
    {
        using var topics = new TestTopics(_kafka.BootstrapServers);
        var clicks = topics.Topic("clicks", Clicks);
        var counts = topics.Topic("counts", TopicFormat.Utf8);

        using (var first = BuildHost())
        {
            await first.StartAsync().WaitAsync(Timeout);
            var singleton = first.Services.GetRequiredService<ActorFlowJobs>().Singletons["clicks-per-second"];
            await Poll.UntilAsync(() => singleton.Current is not null, Timeout, () => $"the singleton did not start ({singleton.LastStartFailure?.Message})");
            clicks.Produce([new("ann", Base + 100), new("bob", Base + 200), new("ann", Base + 900), new("carl", Base + 2_100)]);
            await counts.AwaitCountAsync(2, Timeout);

            var health = await ActivatorUtilities.CreateInstance<ActorFlowHealthCheck>(first.Services).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Healthy, health.Status);

            var job = singleton.Current!;
            await first.StopAsync().WaitAsync(Timeout);
            Assert.True(job.Completion.IsCompletedSuccessfully);
            Assert.Null(singleton.Current);
        }

        using (var second = BuildHost())
        {
            await second.StartAsync().WaitAsync(Timeout);
            clicks.Produce([new("dan", Base + 4_100)]);
            await counts.AwaitCountAsync(3, Timeout);
            await second.StopAsync().WaitAsync(Timeout);
        }

        // carl's window fired in the second host from the state the first one's stop saved; nothing counted twice.
        OutputAssert.Equivalent([$"ann|{Base}|2", $"bob|{Base}|1", $"carl|{Base + 2_000}|1"], counts.ReadToEnd());
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private IHost BuildHost()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddActorFlowNode(node =>
        {
            node.SystemName = "hosted-singleton";
            node.State = StateStoreSettings.Sqlite(_data.Path);
        });
        builder.Services.AddActorFlowJob((_, system) => Build(system, _kafka), job =>
        {
            job.Runner = new JobRunnerOptions { CheckpointInterval = TimeSpan.FromSeconds(1) };
            job.Singleton = new JobSingletonOptions();
            job.StopMode = JobStopMode.Savepoint;
        });
        return builder.Build();
    }
}
