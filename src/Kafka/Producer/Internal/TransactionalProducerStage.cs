using ActorFlow.Kafka.Internal;
using ActorFlow.Kafka.Settings;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. The transactional producer flow (contract on <c>KafkaProducer.TransactionalFlow</c>). The blocking
/// transaction calls (InitTransactions, CommitTransaction, AbortTransaction) run on the thread pool and report back
/// through an async callback; the stage neither pulls nor emits meanwhile.
/// </summary>
internal sealed class TransactionalProducerStage<TKey, TValue> : GraphStage<FlowShape<TransactionalMessage<TKey, TValue>, TransactionEvent>>
{
    private readonly ProducerSettings<TKey, TValue> _settings;
    private readonly string _transactionalId;

    public TransactionalProducerStage(ProducerSettings<TKey, TValue> settings, string transactionalId)
    {
        _settings = settings;
        _transactionalId = transactionalId;
        Shape = new FlowShape<TransactionalMessage<TKey, TValue>, TransactionEvent>(In, Out);
    }

    public Inlet<TransactionalMessage<TKey, TValue>> In { get; } = new("kafka-transactional-producer.in");

    public Outlet<TransactionEvent> Out { get; } = new("kafka-transactional-producer.out");

    public override FlowShape<TransactionalMessage<TKey, TValue>, TransactionEvent> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("kafka-transactional-producer");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : GraphStageLogic, IInHandler, IOutHandler
    {
        private readonly TransactionalProducerStage<TKey, TValue> _stage;
        private readonly string _id;
        private readonly Action<DeliveryReport<TKey, TValue>> _onReport;
        private readonly DeliveryReports<TKey, TValue> _reports;
        private Action _wakeUp = () => { };
        private Action<TransactionCall> _onCallDone = _ => { };
        private IProducer<TKey, TValue>? _producer;
        private Task<TransactionCall> _call = Task.FromResult(TransactionCall.Init());
        private TransactionEvent? _toEmit;
        private bool _busy = true;
        private bool _open;
        private long _records;
        private int _inFlight;
        private int _wakeUpScheduled;

        // A record librdkafka's queue had no room for (Local_QueueFull): produced again as delivery reports free room;
        // nothing more is pulled meanwhile (the plain sink and FlexiFlow wait the same way; this stage used to fail).
        private ProducerRecord<TKey, TValue>? _blocked;
        private int _blockedFlag;

        public Logic(TransactionalProducerStage<TKey, TValue> stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _id = stage._transactionalId;
            _onReport = OnReport;
            _reports = new DeliveryReports<TKey, TValue>(_id, () => _wakeUp());
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            _wakeUp = GetAsyncCallback(OnWakeUp);
            _onCallDone = GetAsyncCallback<TransactionCall>(OnCallDone);
            _producer = ProducerFactory.Create(_stage._settings, _id, _reports.OnClientError, KafkaClientLog.For(Log));
            Run(TransactionCall.Init(), p => p.InitTransactions(_stage._settings.TransactionTimeout));
        }

        public void OnPush()
        {
            switch (Grab(_stage.In))
            {
                case TransactionalRecord<TKey, TValue> { Record: var record }:
                    Produce(record);
                    break;
                case CommitSignal<TKey, TValue> commit when _open:
                    Run(TransactionCall.Commit(commit.CheckpointId), p => p.CommitTransaction(_stage._settings.TransactionTimeout));
                    break;
                case CommitSignal<TKey, TValue> commit:
                    Emit(new TransactionCommitted(commit.CheckpointId, 0));
                    break;
                case AbortSignal<TKey, TValue> abort when _open:
                    Run(TransactionCall.Abort(abort.CheckpointId), p => p.AbortTransaction(_stage._settings.TransactionTimeout));
                    break;
                case AbortSignal<TKey, TValue> abort:
                    Emit(new TransactionAborted(abort.CheckpointId, 0));
                    break;
            }

            Progress();
        }

        public void OnUpstreamFinish() => Progress();

        public void OnUpstreamFailure(Exception e) => FailStage(e);

        public void OnPull() => Progress();

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        public override void PostStop()
        {
            if (_producer is { } producer)
            {
                // Off the stage's thread, so a failure or cancellation reaches the stream at once: a transaction call still
                // running (InitTransactions against a broker that is down waits up to the transaction timeout) is waited
                // for, then a transaction left open (upstream failed, downstream cancelled, the client failed) is aborted,
                // as Alpakka's stage does on failure: left to the broker, it would hold read_committed readers of its
                // partitions at the last stable offset until transaction.timeout.ms, or until this transactional.id
                // starts again. Only then is the client disposed (disposing waits for a running call anyway).
                // A call still running (busy) has an outcome the stage never heard: it decides whether the transaction is open.
                var (open, records, call, timeout, id, log) = (_open, _records, _busy ? _call : null, _stage._settings.TransactionTimeout, _id, Log);
                _ = Task.Run(() => CloseAsync(producer, call, open, records, timeout, id, log));
            }

            base.PostStop();
        }

        private static async Task CloseAsync(IProducer<TKey, TValue> producer, Task<TransactionCall>? running, bool open, long records, TimeSpan timeout, string id, ILoggingAdapter log)
        {
            // A commit or abort that was running and succeeded closed the transaction.
            var closed = false;
            if (running is not null)
            {
                try
                {
                    var last = await running.ConfigureAwait(false);
                    closed = last.Error is null && last.Kind is TransactionCallKind.Commit or TransactionCallKind.Abort or TransactionCallKind.FinalAbort;
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Not expected (the call task reports its error in its result): try the abort, which fails if nothing is open.
                }
            }

            if (open && !closed)
            {
                try
                {
                    producer.AbortTransaction(timeout);
                    log.Info("Transactional producer '{0}': the stream stopped with an open transaction of {1} record(s); aborted it.", id, records);
                }
                catch (KafkaException e) when (e.Error.Code == ErrorCode.ProducerFenced || e.Error.Code == ErrorCode.InvalidProducerEpoch)
                {
                    // A newer producer with this transactional.id (the job's next run) started: its InitTransactions aborted it.
                    log.Info("Transactional producer '{0}': the stream stopped with an open transaction that a newer producer with this transactional.id has aborted.", id);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // A failed client cannot abort: the broker aborts it at transaction.timeout.ms, or the next
                    // InitTransactions with this transactional.id does.
                    log.Warning("Transactional producer '{0}': the stream stopped with an open transaction that could not be aborted ({1}); the broker aborts it after transaction.timeout.ms or when '{0}' starts again.", id, e.Message);
                }
            }

            try
            {
                producer.Dispose();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                log.Warning(e, "Closing the transactional Kafka producer '{0}' failed.", id);
            }
        }

        private void Produce(ProducerRecord<TKey, TValue> record)
        {
            try
            {
                if (!_open)
                {
                    _producer!.BeginTransaction();
                    _open = true;
                }

                Interlocked.Increment(ref _inFlight);
                _producer!.Produce(record.TopicPartition, record.Message, _onReport);
                _records++;
                if (_blocked is not null)
                {
                    _blocked = null;
                    Volatile.Write(ref _blockedFlag, 0);
                }
            }
            catch (KafkaException e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                Interlocked.Decrement(ref _inFlight);
                _blocked = record;
                Interlocked.Exchange(ref _blockedFlag, 1); // a full fence: the report thread decrements, then reads the flag
                if (Volatile.Read(ref _inFlight) == 0 && Interlocked.Exchange(ref _wakeUpScheduled, 1) == 0)
                {
                    _wakeUp(); // every report came before the flag was set: nothing else would wake the stage
                }
            }
            catch (KafkaException e)
            {
                Interlocked.Decrement(ref _inFlight);
                _reports.Fail(_reports.Classify(e.Error, record.Topic, record.Partition, e));
            }
        }

        private void Emit(TransactionEvent e) => _toEmit = e;

        private void Progress()
        {
            if (_reports.Failure is { } failure)
            {
                FailStage(failure);
                return;
            }

            if (_toEmit is not null && IsAvailable(_stage.Out))
            {
                Push(_stage.Out, _toEmit);
                _toEmit = null;
            }

            if (_busy || _toEmit is not null || _blocked is not null)
            {
                return;
            }

            if (IsClosed(_stage.In))
            {
                if (_open)
                {
                    Log.Info("Transactional producer '{0}': upstream finished with an uncommitted transaction of {1} record(s); aborting it.", _id, _records);
                    Run(TransactionCall.FinalAbort(), p => p.AbortTransaction(_stage._settings.TransactionTimeout));
                    return;
                }

                CompleteStage();
            }
            else if (Volatile.Read(ref _inFlight) < _stage._settings.Parallelism && !HasBeenPulled(_stage.In))
            {
                Pull(_stage.In);
            }
        }

        private void Run(TransactionCall call, Action<IProducer<TKey, TValue>> action)
        {
            _busy = true;
            var producer = _producer!;
            _call = Task.Run(() =>
            {
                try
                {
                    action(producer);
                }
                catch (Exception e)
                {
                    call = call with { Error = e };
                }

                _onCallDone(call);
                return call;
            });
        }

        private void OnCallDone(TransactionCall call)
        {
            _busy = false;
            if (call.Error is not null)
            {
                FailStage(Translate(call));
                return;
            }

            switch (call.Kind)
            {
                case TransactionCallKind.Commit:
                    Emit(new TransactionCommitted(call.CheckpointId, _records));
                    break;
                case TransactionCallKind.Abort:
                    Emit(new TransactionAborted(call.CheckpointId, _records));
                    break;
            }

            if (call.Kind != TransactionCallKind.Init)
            {
                _open = false;
                _records = 0;
            }

            Progress();
        }

        private Exception Translate(TransactionCall call)
        {
            if (_reports.Failure is { } earlier)
            {
                return earlier;
            }

            var what = call.Kind switch
            {
                TransactionCallKind.Init => "InitTransactions",
                TransactionCallKind.Commit => $"committing the transaction of checkpoint {call.CheckpointId}",
                TransactionCallKind.FinalAbort => "aborting the open transaction at completion",
                _ => $"aborting the transaction of checkpoint {call.CheckpointId}",
            };
            return call.Error is KafkaException k
                ? k.Error.IsFatal || k.Error.Code == ErrorCode.ProducerFenced
                    ? ProducerErrors.Fatal(k.Error, _id)
                    : new KafkaException(new Error(k.Error.Code, $"Transactional producer '{_id}' failed {what}: {k.Error.Reason}", k.Error.IsFatal), k)
                : new InvalidOperationException($"Transactional producer '{_id}' failed {what}.", call.Error);
        }

        private void OnWakeUp()
        {
            Volatile.Write(ref _wakeUpScheduled, 0);
            if (_blocked is { } blocked && _reports.Failure is null)
            {
                Produce(blocked);
            }

            Progress();
        }

        /// <summary>Runs on librdkafka's delivery thread.</summary>
        private void OnReport(DeliveryReport<TKey, TValue> report)
        {
            // A failed report (not a purge by an abort) is recorded and wakes the stage; a delivered one wakes it when it
            // frees the first slot below the parallelism bound.
            var inFlight = Interlocked.Decrement(ref _inFlight);
            if (_reports.OnReport(report) && (inFlight == _stage._settings.Parallelism - 1 || Volatile.Read(ref _blockedFlag) == 1) && Interlocked.Exchange(ref _wakeUpScheduled, 1) == 0)
            {
                _wakeUp();
            }
        }
    }
}
