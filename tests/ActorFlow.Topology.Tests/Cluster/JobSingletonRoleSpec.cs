using System.Collections.Concurrent;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Configuration;

namespace ActorFlow.Topology.Tests.Cluster;

/// <summary>
/// A singleton job with a <see cref="JobSingletonOptions.Role"/> runs on a node of that role; a node without it only
/// hosts (Akka's singleton manager refuses to run on a node outside its role: it failed there with an error).
/// </summary>
public sealed class JobSingletonRoleSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-singleton-role");

    /// <summary>Verify that the job runs on the node of the role and not on one without it.</summary>
    [Fact]
    public async Task A_singleton_job_must_run_only_on_a_node_of_its_role()
    {
        var options = new JobRunnerOptions { CheckpointInterval = null };
        var role = new JobSingletonOptions { Role = "source" };
        var plain = await ActorFlowCluster.StartNodeAsync("singleton-role", StateStoreSettings.Sqlite(Path.Combine(_data.Path, "plain")));
        try
        {
            var log = WarningLog.Collect(plain);
            var output = new ConcurrentQueue<long>();
            var onPlain = await JobRunner.StartSingletonAsync(plain, () => Build("numbers-plain", output), options, role);
            var source = await ActorFlowCluster.StartNodeAsync("singleton-role", StateStoreSettings.Sqlite(Path.Combine(_data.Path, "source")), overrides: ConfigurationFactory.ParseString("akka.cluster.roles = [source]"));
            try
            {
                var onSource = await JobRunner.StartSingletonAsync(source, () => Build("numbers-source", new ConcurrentQueue<long>()), options, role);
                await Poll.UntilAsync(() => onSource.Current is not null, TimeSpan.FromSeconds(30), () => $"the job did not start on the node of its role ({onSource.LastStartFailure?.Message})");
                await onSource.Current!.StopAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                await source.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
            }

            // The node without the role (its own cluster of one) had as long to start its job, and did not.
            Assert.Null(onPlain.Current);
            Assert.Empty(output);
            Assert.DoesNotContain(log, l => l.StartsWith("Error", StringComparison.Ordinal)); // Akka's manager failed to start here
        }
        finally
        {
            await plain.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private static StreamJob Build(string name, ConcurrentQueue<long> output)
    {
        var builder = StreamJobBuilder.Create(name);
        builder.FromSource("numbers", new OpenEndedNumbers(5), WatermarkStrategy<long>.NoWatermarks()).To(new QueueSink<long>(output));
        return builder.Build();
    }
}
