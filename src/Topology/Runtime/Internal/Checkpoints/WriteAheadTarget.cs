using ActorFlow.Topology.Connectors;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. A type-erased <see cref="ICheckpointedSink{T}"/>.</summary>
internal interface IWriteAheadTarget
{
    byte[] Encode(object? value, long timestamp);

    Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, string writer, CancellationToken cancellationToken);

    Task CloseAsync();
}

/// <summary>INTERNAL API. Adapts a typed checkpointed sink.</summary>
internal sealed class WriteAheadTarget<T>(ICheckpointedSink<T> sink) : IWriteAheadTarget
{
    public byte[] Encode(object? value, long timestamp) => sink.Encode((T)value!, timestamp);

    public Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, string writer, CancellationToken cancellationToken) =>
        sink.PublishAsync(epoch, records, writer, cancellationToken);

    public Task CloseAsync() => sink.CloseAsync();
}
