namespace ActorFlow.Topology.Connectors;

/// <summary>
/// A sink whose output is exactly once by two-phase commit (Flink's <c>TwoPhaseCommitSinkFunction</c> and
/// <c>FileSink</c>): records are written as they arrive into pending output that readers cannot see (in-progress
/// files); at each checkpoint's barrier the writer <em>pre-commits</em> (<see cref="ITwoPhaseCommitWriter{T}.PrepareCommitAsync"/>)
/// and returns small committables (e.g. the names of the closed in-progress files), which the runtime stores in the
/// checkpoint record; once that checkpoint is complete the runtime calls <see cref="CommitAsync"/>, which makes them
/// visible. A checkpoint that fails carries its committables into the next one. On every start of a run the runtime
/// calls <see cref="RecoverAsync"/> with the restored checkpoint's committables: commit those (again, idempotently)
/// and remove every pending output no committable names. After any crash, each record is therefore in the committed
/// output exactly once. A failure of the writer fails the run (a keyed job, or any job with such a sink, then fails
/// over to its last complete checkpoint when its restart strategy allows).
/// </summary>
public interface ITwoPhaseCommitSink<T> : ISinkConnector<T>
{
    /// <summary>The writer of one run of the job; the runtime disposes of it when the run ends.</summary>
    ITwoPhaseCommitWriter<T> CreateWriter();

    /// <summary>
    /// Makes the output named by <paramref name="committables"/> visible. Idempotent: a committable already
    /// committed (by an earlier, interrupted attempt) is skipped. A failure is logged and the committables are
    /// committed again after the next checkpoint (and by the next run's <see cref="RecoverAsync"/>).
    /// </summary>
    Task CommitAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken);

    /// <summary>
    /// Called when a run starts, before any record is written: commits <paramref name="committables"/> (those of
    /// the restored checkpoint; empty on a fresh start) and removes pending output that none of them names (written
    /// by a run that crashed before its checkpoint completed).
    /// </summary>
    Task RecoverAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken);
}

/// <summary>The writing side of an <see cref="ITwoPhaseCommitSink{T}"/> for one run; called from one thread at a time.</summary>
public interface ITwoPhaseCommitWriter<T> : IAsyncDisposable
{
    /// <summary>Writes records, in order, into pending output.</summary>
    ValueTask WriteAsync(IReadOnlyList<T> records, CancellationToken cancellationToken);

    /// <summary>
    /// The barrier of checkpoint <paramref name="checkpointId"/> arrived after every record written so far: make that
    /// output durable (close in-progress files) and return what <see cref="ITwoPhaseCommitSink{T}.CommitAsync"/>
    /// needs to make it visible. Keep committables small: they are stored in the checkpoint record.
    /// </summary>
    ValueTask<IReadOnlyList<string>> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken);
}
