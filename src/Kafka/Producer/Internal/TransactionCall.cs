namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>INTERNAL API. Which blocking transaction call ran.</summary>
internal enum TransactionCallKind
{
    /// <summary>InitTransactions.</summary>
    Init,

    /// <summary>CommitTransaction.</summary>
    Commit,

    /// <summary>AbortTransaction.</summary>
    Abort,

    /// <summary>AbortTransaction of the transaction left open when upstream completed (emits no event).</summary>
    FinalAbort,
}

/// <summary>INTERNAL API. A blocking transaction call and its outcome, reported back to the stage.</summary>
/// <param name="Kind">The call.</param>
/// <param name="CheckpointId">The checkpoint of a commit or abort.</param>
/// <param name="Error">The exception the call threw, or null.</param>
internal sealed record TransactionCall(TransactionCallKind Kind, long CheckpointId, Exception? Error = null)
{
    public static TransactionCall Init() => new(TransactionCallKind.Init, 0);

    public static TransactionCall Commit(long checkpointId) => new(TransactionCallKind.Commit, checkpointId);

    public static TransactionCall Abort(long checkpointId) => new(TransactionCallKind.Abort, checkpointId);

    public static TransactionCall FinalAbort() => new(TransactionCallKind.FinalAbort, -1);
}
