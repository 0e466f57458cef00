using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests;

/// <summary>The control of an in-memory unbounded source: <see cref="UntilStopped{T}"/> emits nothing and completes once the source is stopped.</summary>
internal sealed class StoppableControl : ISourceControl
{
    private readonly TaskCompletionSource<bool> _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Nothing, until the source is stopped: then it completes.</summary>
    public Source<T, NotUsed> UntilStopped<T>() => Source.FromTask(_stopped.Task).SelectMany(_ => Array.Empty<T>());

    public Task StopAsync()
    {
        _stopped.TrySetResult(true);
        return Task.CompletedTask;
    }

    public Task ShutdownAsync() => StopAsync();

    public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => Task.CompletedTask;
}
