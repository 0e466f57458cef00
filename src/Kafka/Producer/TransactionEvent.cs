namespace ActorFlow.Kafka.Producer;

/// <summary>What a transactional producer flow emits: one event per commit or abort signal, in input order.</summary>
/// <param name="CheckpointId">The checkpoint id carried by the signal.</param>
/// <param name="RecordCount">Records written in the transaction that ended (0 when no transaction was open).</param>
public abstract record TransactionEvent(long CheckpointId, long RecordCount);

/// <summary>The transaction was committed: its records are visible to read_committed consumers.</summary>
/// <param name="CheckpointId">The checkpoint id carried by the commit signal.</param>
/// <param name="RecordCount">Records the transaction made visible.</param>
public sealed record TransactionCommitted(long CheckpointId, long RecordCount) : TransactionEvent(CheckpointId, RecordCount);

/// <summary>The transaction was aborted: read_committed consumers never see its records.</summary>
/// <param name="CheckpointId">The checkpoint id carried by the abort signal.</param>
/// <param name="RecordCount">Records that were discarded.</param>
public sealed record TransactionAborted(long CheckpointId, long RecordCount) : TransactionEvent(CheckpointId, RecordCount);
