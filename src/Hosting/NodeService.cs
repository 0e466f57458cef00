using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorFlow.Hosting;

/// <summary>INTERNAL API. Starts the node with the host and shuts it down (leaving its cluster) after the host's jobs stopped.</summary>
internal sealed class NodeService(ActorFlowNode node, ActorFlowNodeOptions options, ILogger<NodeService> log) : IHostedService
{
    private ActorSystem? _system;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var state = options.State ?? throw new InvalidOperationException(
                "AddActorFlowNode: ActorFlowNodeOptions.State is not set: give the node its state store (StateStoreSettings.Sqlite(directory) or StateStoreSettings.PostgreSql(connection)).");
            _system = await ActorFlowCluster.StartNodeAsync(options.SystemName, state, options.Seeds, options.Overrides, options.Port)
                .WaitAsync(cancellationToken).ConfigureAwait(false);
            node.Started(_system);
            log.LogInformation("ActorFlow node {Address} is up", Akka.Cluster.Cluster.Get(_system).SelfAddress);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            node.Failed(e);
            throw;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_system is null)
        {
            return;
        }

        // The jobs' services stopped before this one (the host stops services in reverse order, and AddActorFlowJob
        // requires the node first); CoordinatedShutdown leaves the cluster, so sharding hands its key groups over.
        await CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClrExitReason.Instance).WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
