using ActorFlow.Topology.Dsl;
using Akka.Actor;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorFlow.Hosting;

/// <summary>
/// Runs ActorFlow in a .NET Generic Host (a worker service, an ASP.NET Core app): the node starts with the host, the
/// jobs start once it is up, and when the host stops (Ctrl+C, SIGTERM) the jobs stop first (with a savepoint if asked)
/// and then the node leaves its cluster.
/// </summary>
public static class ActorFlowHostingExtensions
{
    /// <summary>
    /// Adds the ActorFlow node (<c>ActorFlowCluster.StartNodeAsync</c>) as a hosted service, and the services
    /// <see cref="ActorFlowNode"/> (its actor system once up) and <see cref="ActorFlowJobs"/>. Call it once, before
    /// <see cref="AddActorFlowJob"/>.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configure">Sets the node's options; <see cref="ActorFlowNodeOptions.State"/> is required.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddActorFlowNode(this IServiceCollection services, Action<ActorFlowNodeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(s => s.ServiceType == typeof(ActorFlowNode)))
        {
            throw new InvalidOperationException("AddActorFlowNode is called twice: a host runs one ActorFlow node (run several jobs on it with AddActorFlowJob).");
        }

        var options = new ActorFlowNodeOptions();
        configure(options);
        if (options.State is null)
        {
            throw new ArgumentException(
                "AddActorFlowNode: ActorFlowNodeOptions.State is not set: give the node its state store (StateStoreSettings.Sqlite(directory) or StateStoreSettings.PostgreSql(connection)).",
                nameof(configure));
        }

        services.AddSingleton(new ActorFlowNode());
        services.AddSingleton(new ActorFlowJobs());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IHostedService>(sp => new NodeService(sp.GetRequiredService<ActorFlowNode>(), options, sp.GetRequiredService<IHostApplicationLifetime>(), sp.GetRequiredService<ILogger<NodeService>>()));
        return services;
    }

    /// <summary>
    /// Adds a job the host runs on its node: started once the node is up (a start that fails fails the host's start,
    /// with the job's reason), stopped when the host stops as <see cref="ActorFlowJobOptions.StopMode"/> says; a job that
    /// ends by itself stops the host unless <see cref="ActorFlowJobOptions.StopHostWhenJobEnds"/> is false. With
    /// <see cref="ActorFlowJobOptions.HostKeyGroupsOnly"/> the node only hosts the job's key groups.
    /// </summary>
    /// <param name="services">The host's services, with the node added (<see cref="AddActorFlowNode"/>).</param>
    /// <param name="job">Builds the job, given the host's services and the node's actor system (for its settings).</param>
    /// <param name="configure">Sets how the job runs and stops.</param>
    /// <returns>The same services.</returns>
    public static IServiceCollection AddActorFlowJob(this IServiceCollection services, Func<IServiceProvider, ActorSystem, StreamJob> job, Action<ActorFlowJobOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(job);
        if (services.FirstOrDefault(s => s.ServiceType == typeof(ActorFlowJobs))?.ImplementationInstance is not ActorFlowJobs jobs)
        {
            // The host stops services in reverse order: the node must come first, so that it stops after its jobs.
            throw new InvalidOperationException("AddActorFlowJob needs the node: call services.AddActorFlowNode(...) first.");
        }

        var options = new ActorFlowJobOptions();
        configure?.Invoke(options);
        if (options.HostKeyGroupsOnly && options.Singleton is not null)
        {
            throw new ArgumentException("AddActorFlowJob: a job runs as a singleton (Singleton) or this node only hosts its key groups (HostKeyGroupsOnly), not both: a singleton's nodes all host key groups.", nameof(configure));
        }

        if (options.Singleton is not null && options.StopMode == JobStopMode.SavepointAndDrain)
        {
            // The next node takes a singleton over from the drained savepoint: the windows the drain fired early would be
            // written again, with the rest of their records, when they fire there.
            throw new ArgumentException("AddActorFlowJob: a singleton job cannot stop with SavepointAndDrain: the next node takes it over from that savepoint, and every window the drain fired early would be written twice (once partial). Use StopMode Stop or Savepoint.", nameof(configure));
        }

        if (!options.HostKeyGroupsOnly && options.Singleton is null)
        {
            jobs.Expect();
        }

        // Not AddHostedService: it adds one service per implementation type, and a host may run several jobs.
        services.AddSingleton<IHostedService>(sp => new JobService(
            sp.GetRequiredService<ActorFlowNode>(),
            jobs,
            sp,
            job,
            options,
            sp.GetRequiredService<IHostApplicationLifetime>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<JobService>>()));
        return services;
    }
}
