using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Producer.Internal;
using ActorFlow.Kafka.Settings;
using Akka;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Dsl;

/// <summary>
/// Akka.Streams stages that write to Kafka (as Akka.Streams.Kafka's <c>KafkaProducer</c>). Every stage keeps at
/// most <see cref="ProducerSettings{TKey, TValue}.Parallelism"/> messages awaiting their delivery report
/// (back-pressure), and a failed delivery fails the stage with a <see cref="KafkaException"/> naming the topic
/// and partition and carrying the broker's error code.
/// </summary>
public static class KafkaProducer
{
    /// <summary>
    /// Writes each envelope's records and emits, in input order, one result per envelope once all its records are
    /// acknowledged, carrying the pass-through value. Parallelism counts envelopes. The stage creates its own
    /// producer, flushes it (within <see cref="ProducerSettings{TKey, TValue}.FlushTimeout"/>) when it stops
    /// normally and disposes it.
    /// </summary>
    public static Flow<IEnvelope<TKey, TValue, TPassThrough>, IResults<TKey, TValue, TPassThrough>, NotUsed> FlexiFlow<TKey, TValue, TPassThrough>(
        ProducerSettings<TKey, TValue> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Flow.FromGraph(new ProducerStage<TKey, TValue, TPassThrough>(settings, null));
    }

    /// <summary>
    /// As <see cref="FlexiFlow{TKey, TValue, TPassThrough}(ProducerSettings{TKey, TValue})"/>, over a producer that the
    /// caller owns and may share between several stages (create one with <see cref="CreateProducer{TKey, TValue}"/>).
    /// The stage neither flushes nor disposes it; the caller does, after the stages have stopped.
    /// </summary>
    public static Flow<IEnvelope<TKey, TValue, TPassThrough>, IResults<TKey, TValue, TPassThrough>, NotUsed> FlexiFlow<TKey, TValue, TPassThrough>(
        ProducerSettings<TKey, TValue> settings,
        IProducer<TKey, TValue> producer)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(producer);
        return Flow.FromGraph(new ProducerStage<TKey, TValue, TPassThrough>(settings, producer));
    }

    /// <summary>
    /// Writes every record. The task completes once upstream has finished and every record is acknowledged (the
    /// producer is then flushed and disposed off the stream's thread), or fails with the first delivery error or upstream failure.
    /// </summary>
    public static Sink<ProducerRecord<TKey, TValue>, Task<Done>> PlainSink<TKey, TValue>(ProducerSettings<TKey, TValue> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return Sink.FromGraph(new ProducerSinkStage<ProducerRecord<TKey, TValue>, TKey, TValue>(settings, null, RecordWriters.Records<TKey, TValue>()));
    }

    /// <summary>
    /// As <see cref="PlainSink{TKey, TValue}(ProducerSettings{TKey, TValue})"/>, over a producer the caller owns and may
    /// share; the task completes once every record this sink wrote is acknowledged.
    /// </summary>
    public static Sink<ProducerRecord<TKey, TValue>, Task<Done>> PlainSink<TKey, TValue>(ProducerSettings<TKey, TValue> settings, IProducer<TKey, TValue> producer)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(producer);
        return Sink.FromGraph(new ProducerSinkStage<ProducerRecord<TKey, TValue>, TKey, TValue>(settings, producer, RecordWriters.Records<TKey, TValue>()));
    }

    /// <summary>
    /// Builds a producer from <paramref name="settings"/> to share between stages (the caller disposes it).
    /// </summary>
    public static IProducer<TKey, TValue> CreateProducer<TKey, TValue>(ProducerSettings<TKey, TValue> settings) =>
        ProducerFactory.Create(settings);

    /// <summary>
    /// A transactional producer: writes records inside Kafka transactions that upstream ends with
    /// <see cref="TransactionalMessage.Commit{TKey, TValue}"/> or <see cref="TransactionalMessage.Abort{TKey, TValue}"/>,
    /// and emits one <see cref="TransactionEvent"/> per signal, in input order.
    /// </summary>
    /// <remarks>
    /// <para>Contract (the checkpoint coordinator drives it):</para>
    /// <list type="bullet">
    /// <item>At start the stage calls InitTransactions with <paramref name="transactionalId"/>. This fences any older
    /// producer with the same id (its next write or commit fails) and aborts a transaction it left open. Use one
    /// stable id per sink instance (for example job + operator + subtask) so a restarted job fences its crashed
    /// predecessor.</item>
    /// <item>A transaction begins lazily at the first record after start or after a commit/abort. All records before a
    /// <see cref="CommitSignal{TKey, TValue}"/> and after the previous signal form one transaction.</item>
    /// <item>On <c>Commit(n)</c> the stage flushes and commits (librdkafka's CommitTransaction), then emits
    /// <see cref="TransactionCommitted"/>(n, count). Send <c>Commit(n)</c> only once checkpoint n is durably complete,
    /// and place it after exactly the records that belong to checkpoint n: records of checkpoint n+1 must come after it.
    /// <c>TransactionCommitted(n)</c> means the records are visible to read_committed consumers.</item>
    /// <item>On <c>Abort(n)</c> the open transaction is aborted and <see cref="TransactionAborted"/>(n, count) emitted;
    /// read_committed consumers never see those records.</item>
    /// <item>A signal with no open transaction emits its event with a count of 0 and makes no Kafka call.</item>
    /// <item>While InitTransactions, CommitTransaction or AbortTransaction runs (on the thread pool, bounded by
    /// <see cref="ProducerSettings{TKey, TValue}.TransactionTimeout"/>) the stage back-pressures.</item>
    /// <item>A transaction still open when upstream completes is aborted (not committed); so is one open when upstream
    /// fails, downstream cancels or the stage fails (as Alpakka's stage), after a transaction call still running ends,
    /// off the stream's thread: the failure reaches the stream at once. A fenced producer, a fatal
    /// client error, a failed delivery or a failed commit fails the stage with a <see cref="KafkaException"/> naming
    /// the transactional.id; the records of the failed transaction are never visible, so the job recovers from its
    /// last complete checkpoint.</item>
    /// <item>Offsets are not sent with the transaction (the embedded broker ignores SendOffsetsToTransaction): the
    /// checkpoint record is the source of truth for offsets.</item>
    /// </list>
    /// </remarks>
    public static Flow<TransactionalMessage<TKey, TValue>, TransactionEvent, NotUsed> TransactionalFlow<TKey, TValue>(
        ProducerSettings<TKey, TValue> settings,
        string transactionalId)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(transactionalId);
        return Flow.FromGraph(new TransactionalProducerStage<TKey, TValue>(settings, transactionalId));
    }
}
