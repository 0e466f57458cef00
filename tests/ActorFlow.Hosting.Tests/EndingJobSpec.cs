using ActorFlow.Kafka.Embedded;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Streams.Dsl;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using static ActorFlow.Hosting.Tests.CountJob;

namespace ActorFlow.Hosting.Tests;

/// <summary>
/// A hosted job that ends by itself ends its host: a bounded job at the end of its input with exit code 0, a job that
/// failed for good with exit code 1 and an unhealthy health check; a job whose start fails fails the host's start; a
/// node whose actor system ends stops the host; a stop whose savepoint fails, or that outlasts the host's shutdown
/// timeout, still stops the job (exit code 1 for the missing savepoint) without failing the host's stop.
/// </summary>
public sealed class EndingJobSpec : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly EmbeddedKafka _kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions
    {
        Topics = new Dictionary<string, int> { ["clicks"] = 1, ["counts"] = 1 },
    });

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-ending-job");

    /// <summary>Verify that a bounded job's end stops the host, after every window fired, with exit code 0.</summary>
    [Fact]
    public async Task A_bounded_job_must_stop_its_host_at_the_end_of_its_input()
    {
        using var topics = new TestTopics(_kafka.BootstrapServers);
        topics.Topic("clicks", Clicks).Produce([new("ann", Base + 100), new("ann", Base + 1_100)]);
        using var host = BuildHost("bounded", (_, system) => Build(system, _kafka, bounded: true));

        await host.StartAsync().WaitAsync(Timeout);
        await host.WaitForShutdownAsync().WaitAsync(Timeout);

        Assert.Equal(0, Environment.ExitCode);
        Assert.True((await host.Services.GetRequiredService<ActorFlowJobs>().Get("clicks-per-second").Completion).EndOfInput);
        OutputAssert.Equivalent([$"ann|{Base}|1", $"ann|{Base + 1_000}|1"], topics.Topic("counts", TopicFormat.Utf8).ReadToEnd());
    }

    /// <summary>Verify that a job failing for good stops the host with exit code 1 and makes the health check unhealthy.</summary>
    [Fact]
    public async Task A_job_that_fails_for_good_must_stop_its_host_with_exit_code_1()
    {
        using var topics = new TestTopics(_kafka.BootstrapServers);
        using var host = BuildHost("failing", (_, system) => StreamJobBuilder.Create("failing")
            .FromSource("clicks", Kafka.Connectors.KafkaConnectors.Source(
                    Kafka.Settings.ConsumerSettings<byte[], byte[]>.Create(system, null, null).WithBootstrapServers(_kafka.BootstrapServers).WithGroupId("failing"),
                    Kafka.Consumer.Subscriptions.Topics("clicks"),
                    Clicks.FromKafka),
                Operators.Watermarks.WatermarkStrategy<Click>.NoWatermarks())
            .Select(c => c.User)
            .To(new BrokenSink())
            .Build());
        try
        {
            await host.StartAsync().WaitAsync(Timeout);
            topics.Topic("clicks", Clicks).Produce([new("ann", Base)]);
            await host.WaitForShutdownAsync().WaitAsync(Timeout);

            Assert.Equal(1, Environment.ExitCode);
            var health = await ActivatorUtilities.CreateInstance<ActorFlowHealthCheck>(host.Services).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Unhealthy, health.Status);
            Assert.Contains("'failing' failed", health.Description, StringComparison.Ordinal);
        }
        finally
        {
            Environment.ExitCode = 0;
        }
    }

    /// <summary>Verify that a job that cannot start (its sink's settings are refused) fails the host's start with the reason, and ends its node.</summary>
    [Fact]
    public async Task A_job_that_cannot_start_must_fail_the_hosts_start()
    {
        using var host = BuildHost("refused", (_, system) => Build(system, _kafka, producer: p => p.WithProperty("no.such.producer.property", "1")));
        try
        {
            var error = await Assert.ThrowsAnyAsync<ArgumentException>(() => host.StartAsync().WaitAsync(Timeout));
            Assert.Contains("no.such.producer.property", error.Message, StringComparison.Ordinal);

            // The host does not stop the services it started: the failed job shuts its node down itself.
            var system = await host.Services.GetRequiredService<ActorFlowNode>().WhenUp;
            await system.WhenTerminated.WaitAsync(Timeout);
        }
        finally
        {
            await host.StopAsync().WaitAsync(Timeout);
        }
    }

    /// <summary>Verify that a node whose actor system ends while the host runs stops the host with exit code 1 and reads unhealthy.</summary>
    [Fact]
    public async Task A_node_whose_actor_system_ends_must_stop_its_host()
    {
        using var host = BuildHost("downed", (_, system) => Build(system, _kafka));
        try
        {
            await host.StartAsync().WaitAsync(Timeout);
            var system = await host.Services.GetRequiredService<ActorFlowNode>().WhenUp;

            await system.Terminate(); // as the split-brain resolver's downing does
            await host.WaitForShutdownAsync().WaitAsync(Timeout);

            Assert.Equal(1, Environment.ExitCode);
            var health = await ActivatorUtilities.CreateInstance<ActorFlowHealthCheck>(host.Services).CheckHealthAsync(new HealthCheckContext());
            Assert.Equal(HealthStatus.Unhealthy, health.Status);
        }
        finally
        {
            Environment.ExitCode = 0;
        }
    }

    /// <summary>Verify that a stop whose savepoint cannot be taken still stops the job, and sets exit code 1.</summary>
    [Fact]
    public async Task A_stop_whose_savepoint_fails_must_stop_the_job_and_set_exit_code_1()
    {
        using var host = BuildHost("no-savepoint", (_, system) => Build(system, _kafka), job =>
        {
            job.StopMode = JobStopMode.Savepoint;
            job.SavepointName = (_, _) => "not a name"; // white space: refused
        });
        try
        {
            await host.StartAsync().WaitAsync(Timeout);
            var job = host.Services.GetRequiredService<ActorFlowJobs>().Get("clicks-per-second");

            await host.StopAsync().WaitAsync(Timeout);

            Assert.True(job.Completion.IsCompletedSuccessfully);
            Assert.Equal(1, Environment.ExitCode);
        }
        finally
        {
            Environment.ExitCode = 0;
        }
    }

    /// <summary>Verify that a stop outlasting the host's shutdown timeout does not throw out of the host's stop, and the node still ends.</summary>
    [Fact]
    public async Task A_stop_past_the_hosts_shutdown_timeout_must_not_fail_the_hosts_stop()
    {
        using var host = BuildHost("hasty", (_, system) => Build(system, _kafka), shutdownTimeout: TimeSpan.FromMilliseconds(1));
        await host.StartAsync().WaitAsync(Timeout);
        var system = await host.Services.GetRequiredService<ActorFlowNode>().WhenUp;

        await host.StopAsync().WaitAsync(Timeout);

        await system.WhenTerminated.WaitAsync(Timeout); // the node's shutdown goes on and ends the job with it
    }

    public void Dispose()
    {
        _kafka.Dispose();
        _data.Dispose();
    }

    private IHost BuildHost(string name, Func<IServiceProvider, Akka.Actor.ActorSystem, StreamJob> job, Action<ActorFlowJobOptions>? configure = null, TimeSpan? shutdownTimeout = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (shutdownTimeout is { } timeout)
        {
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = timeout);
        }

        builder.Services.AddActorFlowNode(node =>
        {
            node.SystemName = "ending-" + name;
            node.State = StateStoreSettings.Sqlite(Path.Combine(_data.Path, name));
        });
        builder.Services.AddActorFlowJob(job, options =>
        {
            options.Runner = new JobRunnerOptions { CheckpointInterval = TimeSpan.FromSeconds(1), RestartStrategy = RestartStrategy.None };
            configure?.Invoke(options);
        });
        return builder.Build();
    }

    /// <summary>A sink whose every write fails.</summary>
    private sealed class BrokenSink : ISinkConnector<string>
    {
        public Sink<string, Task<Akka.Done>> Sink() => Akka.Streams.Dsl.Sink.ForEach<string>(_ => throw new IOException("the sink's disk is gone"));
    }
}
