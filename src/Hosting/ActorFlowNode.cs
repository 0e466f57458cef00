using Akka.Actor;

namespace ActorFlow.Hosting;

/// <summary>
/// The ActorFlow node of the host (<see cref="ActorFlowHostingExtensions.AddActorFlowNode"/>), as a service: its actor
/// system once the host has started it and the node is Up.
/// </summary>
public sealed class ActorFlowNode
{
    private readonly TaskCompletionSource<ActorSystem> _system = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Gets a task completing with the node's actor system once it is Up; it fails when the node could not start.</summary>
    public Task<ActorSystem> WhenUp => _system.Task;

    /// <summary>Gets the node's actor system.</summary>
    /// <exception cref="InvalidOperationException">The host has not started the node (yet), or it failed to start.</exception>
    public ActorSystem ActorSystem => _system.Task.IsCompletedSuccessfully
        ? _system.Task.Result
        : throw new InvalidOperationException("The ActorFlow node is not up: the host starts it (IHost.StartAsync), or it failed to start.");

    internal void Started(ActorSystem system) => _system.TrySetResult(system);

    internal void Failed(Exception error) => _system.TrySetException(error);
}
