using ActorFlow.Operators;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. An <see cref="IFlushingSinkConnector{T}"/> run through the two-phase-commit path with nothing to commit:
/// at each barrier the sink is flushed, and the checkpoint's pre-commit waits for that flush, so a checkpoint completes
/// only once every record before its barrier is at the destination (Flink's at-least-once sink writers flush before
/// the barrier). The barrier is taken only after the sink's stage has pulled again past the records before it (the
/// steps are fused, with no buffer between them and only synchronous steps after the split), i.e. after it has handed
/// them all to its client; the flush then runs on the stream's thread, so the sink takes nothing new meanwhile.
/// </summary>
internal sealed class FlushingTarget<T>(IFlushingSinkConnector<T> sink) : ITwoPhaseCommitTarget
{
    /// <summary>The sink id that takes the job's dead letters (<see cref="EmittedKind.Dead"/>) instead of a graph sink's records.</summary>
    public const int DeadLetters = -2;

    public Sink<IReadOnlyList<Emitted>, Task<Done>> Sink(int id, Action<long, List<byte[]>> prepared, Action<long, Exception> failed) =>
        Flow.Create<IReadOnlyList<Emitted>>()
            .SelectMany(batch => Segments(batch, id))
            .Select(segment =>
            {
                if (segment.Barrier is { } checkpoint)
                {
                    // On the stream's thread, as Flink's writer flushes on its task's thread before the barrier: nothing
                    // more reaches the sink until its client has delivered what it took.
                    try
                    {
                        sink.FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
                        prepared(checkpoint, []);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        failed(checkpoint, e); // this checkpoint fails; the sink itself fails the run if its client did
                    }
                }

                return segment.Values;
            })
            .Where(values => values.Count > 0)
            .ToMaterialized(sink.BatchSink(), Keep.Right);

    public Task CommitAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task RecoverAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The records of <paramref name="batch"/> addressed to sink <paramref name="id"/> (or its dead letters), split at each barrier.</summary>
    private static List<Segment> Segments(IReadOnlyList<Emitted> batch, int id)
    {
        var segments = new List<Segment>(1);
        List<TimestampedValue<T>>? values = null;
        foreach (var e in batch)
        {
            if (id == DeadLetters ? e.Kind == EmittedKind.Dead : e.Kind == EmittedKind.Sink && e.Output == id)
            {
                // A dead letter has no event time of its own (a source's carries its chunk's watermark): written as the
                // dead-letter sink's own stage writes it, at the time it is produced, not into the past (retention).
                (values ??= []).Add(new TimestampedValue<T>((T)e.Value!, id == DeadLetters ? Timestamps.NoTimestamp : e.Timestamp));
            }
            else if (e.Kind == EmittedKind.Barrier)
            {
                if (values is not null)
                {
                    segments.Add(new Segment(values, null));
                    values = null;
                }

                segments.Add(new Segment([], (long)e.Value!));
            }
        }

        if (values is not null)
        {
            segments.Add(new Segment(values, null));
        }

        return segments;
    }

    private readonly record struct Segment(IReadOnlyList<TimestampedValue<T>> Values, long? Barrier);
}
