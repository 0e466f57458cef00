using ActorFlow.Hosting;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ActorFlow.Docs.Tests.Runtime;

/// <summary>
/// docs/runtime.md, "Running in a .NET Generic Host": compiled, not run; tests/ActorFlow.Hosting.Tests runs such hosts
/// end to end.
/// </summary>
public static class GenericHostSnippet
{
    /// <summary>The example, with what it uses from elsewhere as parameters.</summary>
    /// <param name="args">The program's arguments.</param>
    /// <param name="countJob">Builds the job on the node's actor system.</param>
    /// <returns>The host, built.</returns>
    public static IHost Build(string[] args, Func<ActorSystem, StreamJob> countJob)
    {
        // begin-snippet: runtime-generic-host
        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddActorFlowNode(node => node.State = StateStoreSettings.Sqlite("/var/lib/clicks"));
        builder.Services.AddActorFlowJob((services, system) => countJob(system), job =>
        {
            job.Runner = new JobRunnerOptions { CheckpointInterval = TimeSpan.FromSeconds(10) };
            job.StopMode = JobStopMode.Savepoint; // Ctrl+C or SIGTERM: stop with a savepoint, then leave the cluster
        });
        var host = builder.Build();               // await host.RunAsync();
        // end-snippet
        return host;
    }
}
