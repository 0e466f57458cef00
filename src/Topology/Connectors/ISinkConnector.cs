using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Connectors;

/// <summary>A destination of records. The sink's task completes when everything it received is written.</summary>
public interface ISinkConnector<T>
{
    /// <summary>The sink; a failure fails the job.</summary>
    Sink<T, Task<Done>> Sink();
}
