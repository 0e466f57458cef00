namespace ActorFlow.Benchmarks.Kafka;

/// <summary>
/// A raw-client-versus-stage pair measured on the same data in the same run. Add a comparison by implementing this and
/// listing it in <see cref="KafkaHarness"/>; each round runs <see cref="RunRawAsync"/> then <see cref="RunStageAsync"/>.
/// </summary>
public interface IKafkaComparison
{
    /// <summary>Short name, for example "producer: PlainSink vs Produce loop".</summary>
    string Name { get; }

    /// <summary>Creates topics and data (not timed). Called once before the rounds.</summary>
    Task SetUpAsync(BenchContext context);

    /// <summary>The raw Confluent.Kafka client loop for round <paramref name="round"/>.</summary>
    Task<Measurement> RunRawAsync(BenchContext context, int round);

    /// <summary>The ActorFlow stage for round <paramref name="round"/>.</summary>
    Task<Measurement> RunStageAsync(BenchContext context, int round);
}
