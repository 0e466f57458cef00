using ActorFlow.Topology.Connectors;

namespace ActorFlow.Parquet.Internal;

/// <summary>INTERNAL API. Stops a file source: no new partition or chunk starts; reads in progress are cancelled on shutdown.</summary>
internal sealed class FileSourceControl : ISourceControl
{
    private readonly CancellationTokenSource _shutdown = new();
    private volatile bool _stopped;

    public bool Stopped => _stopped;

    public CancellationToken Token => _shutdown.Token;

    public Task StopAsync()
    {
        _stopped = true;
        return Task.CompletedTask;
    }

    public async Task ShutdownAsync()
    {
        _stopped = true;
        await _shutdown.CancelAsync().ConfigureAwait(false);
    }

    public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => Task.CompletedTask;
}
