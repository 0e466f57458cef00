using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. The source side: partitions merged, periodic ticks added, timestamps and watermarks assigned, a chunk at a time.</summary>
internal static class SourceGraph
{
    /// <summary>Most partitions read at once by one source.</summary>
    public const int MaxPartitions = 1024;

    /// <summary>
    /// The source's chunks, each made by <paramref name="step"/> from what the source read and the stage's assigner. A bounded source (<see cref="Boundedness.Bounded"/>) also marks the end of each
    /// partition and, once its partition set and every partition completed without a stop, ends with a tick at
    /// <see cref="Operators.Watermark.EndOfInput"/>: the end of its input (<see cref="Chunk{T}.IsEndOfInput"/>).
    /// </summary>
    public static Source<Chunk<TOut>, ISourceControl> Build<T, TOut>(
        ISourceConnector<T> connector, WatermarkStrategy<T> strategy, TimeProvider clock, JobRunnerOptions options, Func<WatermarkAssigner<T>, Incoming<T>, Chunk<TOut>> step)
    {
        var bounded = connector.Boundedness == Boundedness.Bounded;
        var stop = new StopAwareControl();
        var ticks = Source.Tick(options.WatermarkInterval, options.WatermarkInterval, new Incoming<T>(null, null));
        // Batch mode needs no watermark alignment between partitions (event time stands still until the end), so the
        // partitions of a source that can wait (files) are read a few at a time, one after another: the source's memory is
        // that of BatchSourceParallelism partitions, not of every partition at once as streaming mode needs.
        var breadth = options.ExecutionMode == ExecutionMode.Batch && connector.PartitionsCanWait ? options.BatchSourceParallelism : MaxPartitions;
        var previous = new PartitionTurns(); // per Build, and a run builds its graph once (JobRunner)
        var merged = Flow.Create<(string Partition, Source<IReadOnlyList<SourceRecord<T>>, Akka.NotUsed> Records)>()
            .MergeMany(breadth, p =>
            {
                // An empty first chunk announces the partition: it holds the combined watermark from its
                // assignment on, not from its first record (one partition's big chunk after a restart would
                // otherwise move event time past the records the other partitions have not delivered yet).
                var records = Source.Single(new Incoming<T>(p.Partition, []))
                    .Concat(p.Records.Select(r => new Incoming<T>(p.Partition, r)));
                return previous.After(p.Partition, bounded ? records.Concat(Source.Single(new Incoming<T>(p.Partition, null, End: true))) : records);
            });
        if (bounded)
        {
            // After the partition set and every partition completed: the end of the source's input.
            merged = merged.Concat(Source.Single(new Incoming<T>(null, null, End: true)));
        }

        var restored = connector.RestoredPartitions(options.StartOffsets).ToArray();
        return connector.Partitions(options.StartOffsets)
            .MapMaterializedValue(control => stop.Wrap(control))
            .Via(merged.Merge(ticks.MapMaterializedValue(_ => Akka.NotUsed.Instance), eagerComplete: true))
            .StatefulSelectMany<Incoming<T>, Chunk<TOut>, ISourceControl>(() =>
            {
                var assigner = new WatermarkAssigner<T>(strategy, clock) { CutsAtWatermarks = options.ExecutionMode != ExecutionMode.Batch, PeriodicInterval = options.WatermarkInterval };
                assigner.Expect(restored);
                return incoming =>
                {
                    if (incoming.End && stop.Stopped)
                    {
                        return []; // a stop, not the end of the input: watermarks stay where they are
                    }

                    var chunk = step(assigner, incoming);
                    if (assigner.ResumeAt < 0)
                    {
                        return [chunk];
                    }

                    // A punctuated watermark moved within the records: the rest follow in chunks of their own.
                    var chunks = new List<Chunk<TOut>> { chunk };
                    while (assigner.ResumeAt >= 0)
                    {
                        chunks.Add(step(assigner, incoming with { From = assigner.ResumeAt }));
                    }

                    return chunks;
                };
            });
    }

    /// <summary>
    /// A partition assigned again while its earlier sub-source is still draining (a Kafka rebalance gave it back) starts
    /// only once that one completed: its position chunk and records come after every record of the earlier assignment,
    /// so the partition's position in the run never moves back to an earlier assignment's (a checkpoint would name it and
    /// a restore read those records again).
    /// </summary>
    private sealed class PartitionTurns
    {
        private readonly Dictionary<string, Task> _last = new(StringComparer.Ordinal);

        public Source<TElement, Akka.NotUsed> After<TElement>(string partition, Source<TElement, Akka.NotUsed> records)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Task? before;
            lock (_last)
            {
                _last.TryGetValue(partition, out before);
                _last[partition] = done.Task;
            }

            var watched = records.WatchTermination((_, terminated) =>
            {
                terminated.ContinueWith(
                    _ =>
                    {
                        lock (_last)
                        {
                            if (_last.TryGetValue(partition, out var latest) && latest == done.Task)
                            {
                                _last.Remove(partition); // no later assignment waits on it
                            }
                        }

                        done.TrySetResult();
                    },
                    TaskScheduler.Default);
                return Akka.NotUsed.Instance;
            });
            return before is null || before.IsCompleted
                ? watched
                : Source.FromTask(before.ContinueWith(_ => Akka.NotUsed.Instance, TaskScheduler.Default)).ConcatMany(_ => watched);
        }
    }

    /// <summary>Remembers that the source was asked to stop, so that the completions that follow are not the end of input.</summary>
    private sealed class StopAwareControl
    {
        private volatile bool _stopped;

        public bool Stopped => _stopped;

        public ISourceControl Wrap(ISourceControl control) => new Control(this, control);

        private sealed class Control(StopAwareControl owner, ISourceControl inner) : ISourceControl
        {
            public Task Ready => inner.Ready;

            public Task StopAsync()
            {
                owner._stopped = true;
                return inner.StopAsync();
            }

            public Task ShutdownAsync()
            {
                owner._stopped = true;
                return inner.ShutdownAsync();
            }

            public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => inner.CommitAsync(nextOffsets);
        }
    }
}
