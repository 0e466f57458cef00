using ActorFlow.Topology.Runtime;
using Akka.Actor;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorFlow.Hosting;

/// <summary>
/// INTERNAL API. Starts the node with the host and shuts it down (leaving its cluster) in the host's stop phase, after
/// every job stopped in the stopping phase; a node whose actor system ends by itself (downed by the split-brain
/// resolver, terminated by code) ends the host.
/// </summary>
internal sealed class NodeService(ActorFlowNode node, ActorFlowNodeOptions options, IHostApplicationLifetime lifetime, ILogger<NodeService> log) : IHostedService
{
    private ActorSystem? _system;
    private volatile bool _stopping;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var state = options.State ?? throw new InvalidOperationException(
                "AddActorFlowNode: ActorFlowNodeOptions.State is not set: give the node its state store (StateStoreSettings.Sqlite(directory) or StateStoreSettings.PostgreSql(connection)).");
            // The host runs the node's shutdown, after its jobs stopped: Akka's own hook on process exit (SIGTERM) would run
            // it at once, beside the host's ordered stop, and release the checkpoint store under a job taking its savepoint.
            var hookOff = Akka.Configuration.ConfigurationFactory.ParseString("akka.coordinated-shutdown.run-by-clr-shutdown-hook = off");
            var overrides = options.Overrides is null ? hookOff : options.Overrides.WithFallback(hookOff);
            var start = ActorFlowCluster.StartNodeAsync(options.SystemName, state, options.Seeds, overrides, options.Port);
            try
            {
                _system = await start.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // The host's start was cancelled (Ctrl+C while joining): a node that comes up after all is shut down.
                _ = start.ContinueWith(t => t.Result.Terminate(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
                throw;
            }

            node.Started(_system);
            log.LogInformation("ActorFlow node {Address} is up", Akka.Cluster.Cluster.Get(_system).SelfAddress);
            _ = _system.WhenTerminated.ContinueWith(_ => Terminated(), TaskScheduler.Default);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            node.Failed(e);
            throw;
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        if (_system is null)
        {
            return;
        }

        // The jobs stopped in the host's stopping phase, before any service's StopAsync. CoordinatedShutdown leaves the
        // cluster, so sharding hands the node's key groups over.
        var shutdown = CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClrExitReason.Instance);
        try
        {
            await shutdown.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            log.LogWarning("The ActorFlow node did not shut down within the host's shutdown timeout (HostOptions.ShutdownTimeout); it goes on shutting down");
        }
    }

    /// <summary>The node's actor system ended while the host was not stopping: the host cannot run its jobs any more.</summary>
    private void Terminated()
    {
        if (_stopping)
        {
            return;
        }

        log.LogCritical("The ActorFlow node's actor system terminated while the host runs (downed by its cluster, or terminated by code): the host stops");
        ExitCodes.SetUnlessSet(options.ExitCodeOnTermination);
        lifetime.StopApplication();
    }
}
