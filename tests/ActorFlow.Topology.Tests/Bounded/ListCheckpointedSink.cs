using System.Collections.Concurrent;
using System.Text;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Bounded;

/// <summary>
/// An exactly-once (write-ahead) in-memory sink of strings: published epochs are kept once each, in order. With
/// <see cref="FailFirstPublication"/>, its first publication fails (after the checkpoint it belongs to completed); with
/// <see cref="ThrowAtEncode"/>, one record's encoding throws (the sink's stage fails).
/// </summary>
internal sealed class ListCheckpointedSink : ICheckpointedSink<string>
{
    private readonly ConcurrentDictionary<long, IReadOnlyList<string>> _epochs = new();
    private int _publications;
    private int _encoded;

    public bool FailFirstPublication { get; init; }

    /// <summary>The number of the record (1-based, counting every record encoded) whose encoding throws, once; 0: none.</summary>
    public int ThrowAtEncode { get; init; }

    /// <summary>Whether a publication failed (only with <see cref="FailFirstPublication"/>).</summary>
    public bool Failed => FailFirstPublication && Volatile.Read(ref _publications) > 0;

    public IReadOnlyList<string> Published => [.. _epochs.OrderBy(e => e.Key).SelectMany(e => e.Value)];

    public int Epochs => _epochs.Count;

    /// <summary>The numbers of the epochs published, in order.</summary>
    public IReadOnlyList<long> EpochIds => [.. _epochs.Keys.Order()];

    /// <summary>How many records reached the sink (before any checkpoint covered them).</summary>
    public int Encoded => Volatile.Read(ref _encoded);

    public Sink<string, Task<Done>> Sink() => Akka.Streams.Dsl.Sink.Ignore<string>();

    public byte[] Encode(string value)
    {
        if (Interlocked.Increment(ref _encoded) == ThrowAtEncode)
        {
            throw new IOException("the sink cannot encode this record (injected, once)");
        }

        return Encoding.UTF8.GetBytes(value);
    }

    public Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, CancellationToken cancellationToken)
    {
        if (Interlocked.Increment(ref _publications) == 1 && FailFirstPublication)
        {
            throw new IOException("the sink's system is unavailable (injected, once)");
        }

        _epochs.TryAdd(epoch, [.. records.Select(r => Encoding.UTF8.GetString(r))]);
        return Task.CompletedTask;
    }
}
