namespace ActorFlow.Kafka.Producer;

/// <summary>
/// An input of a transactional producer flow: a record to write inside the current transaction, or a control
/// signal that ends it (<see cref="CommitSignal{TKey, TValue}"/>, <see cref="AbortSignal{TKey, TValue}"/>).
/// Create them with <see cref="TransactionalMessage"/>.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
public abstract record TransactionalMessage<TKey, TValue>
{
    private protected TransactionalMessage()
    {
    }
}

/// <summary>A record written inside the current transaction (one is begun if none is open).</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <param name="Record">The record to write.</param>
public sealed record TransactionalRecord<TKey, TValue>(ProducerRecord<TKey, TValue> Record) : TransactionalMessage<TKey, TValue>;

/// <summary>Commits the open transaction, which then belongs to checkpoint <paramref name="CheckpointId"/>.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <param name="CheckpointId">The checkpoint whose completion allows the commit; echoed in <see cref="TransactionCommitted"/>.</param>
public sealed record CommitSignal<TKey, TValue>(long CheckpointId) : TransactionalMessage<TKey, TValue>;

/// <summary>Aborts the open transaction: read_committed consumers never see its records.</summary>
/// <typeparam name="TKey">The key type.</typeparam>
/// <typeparam name="TValue">The value type.</typeparam>
/// <param name="CheckpointId">The checkpoint that failed or was abandoned; echoed in <see cref="TransactionAborted"/>.</param>
public sealed record AbortSignal<TKey, TValue>(long CheckpointId) : TransactionalMessage<TKey, TValue>;

/// <summary>Creates the inputs of <c>KafkaProducer.TransactionalFlow</c>.</summary>
public static class TransactionalMessage
{
    /// <summary>A record to write in the current transaction.</summary>
    public static TransactionalMessage<TKey, TValue> Record<TKey, TValue>(ProducerRecord<TKey, TValue> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new TransactionalRecord<TKey, TValue>(record);
    }

    /// <summary>Commit the open transaction for checkpoint <paramref name="checkpointId"/> (see the flow's contract).</summary>
    public static TransactionalMessage<TKey, TValue> Commit<TKey, TValue>(long checkpointId) => new CommitSignal<TKey, TValue>(checkpointId);

    /// <summary>Abort the open transaction for checkpoint <paramref name="checkpointId"/>.</summary>
    public static TransactionalMessage<TKey, TValue> Abort<TKey, TValue>(long checkpointId) => new AbortSignal<TKey, TValue>(checkpointId);
}
