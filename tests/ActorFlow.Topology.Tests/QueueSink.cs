using System.Collections.Concurrent;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests;

/// <summary>An in-memory sink: every record it receives is enqueued into <paramref name="queue"/>.</summary>
internal sealed class QueueSink<T>(ConcurrentQueue<T> queue) : ISinkConnector<T>
{
    public Sink<T, Task<Done>> Sink() => Akka.Streams.Dsl.Sink.ForEach<T>(queue.Enqueue);
}
