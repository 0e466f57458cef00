using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Settings;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Kafka.Dsl;

/// <summary>
/// Commits offsets of processed records in batches: up to <see cref="CommitterSettings.MaxBatch"/> offsets or
/// <see cref="CommitterSettings.MaxInterval"/>, whichever comes first, keeping the highest offset per partition.
/// A failed commit fails the stream; offsets of partitions the consumer no longer owns are skipped.
/// </summary>
public static class Committer
{
    /// <summary>Commits and emits each committed batch.</summary>
    public static Flow<ICommittable, CommittableOffsetBatch, NotUsed> Flow(CommitterSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Akka.Streams.Dsl.Flow.Create<ICommittable>()
            .GroupedWithin(settings.MaxBatch, settings.MaxInterval)
            .SelectAsync(settings.Parallelism, async batch =>
            {
                var offsets = CommittableOffsetBatch.From(batch);
                await offsets.CommitAsync().ConfigureAwait(false);
                return offsets;
            })
            .Named("Committer");
    }

    /// <summary>Commits; the task completes when the last batch is committed.</summary>
    public static Sink<ICommittable, Task<Done>> Sink(CommitterSettings settings) =>
        Flow(settings).ToMaterialized(Akka.Streams.Dsl.Sink.Ignore<CommittableOffsetBatch>(), Keep.Right);
}
