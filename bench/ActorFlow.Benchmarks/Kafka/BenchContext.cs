using ActorFlow.Kafka.Embedded;
using Akka.Actor;
using Akka.Streams;

namespace ActorFlow.Benchmarks.Kafka;

/// <summary>What every comparison shares: the embedded broker, an actor system, and the data size.</summary>
/// <param name="Kafka">The embedded broker.</param>
/// <param name="System">The actor system the stages run in.</param>
/// <param name="Materializer">The materializer of <paramref name="System"/>.</param>
/// <param name="Records">Records per run.</param>
/// <param name="ValueBytes">Value size in bytes.</param>
/// <param name="Partitions">Partitions per topic (the mock trims each partition at about 5 MB).</param>
public sealed record BenchContext(EmbeddedKafka Kafka, ActorSystem System, IMaterializer Materializer, int Records, int ValueBytes, int Partitions);
