using ActorFlow.Kafka.Internal;
using ActorFlow.Kafka.Settings;
using Akka;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. The plain producer sink: produces each record with one shared delivery handler, keeps at most
/// <c>Parallelism</c> records awaiting their report, and completes its task once upstream has finished and
/// every record is acknowledged (then flushes and disposes a producer it created, off the stage's thread).
/// An element holds one record (<c>KafkaProducer.PlainSink</c>) or a batch of them (a job's Kafka sink gets the
/// records of a job batch as one element): the <see cref="RecordWriter{TIn, TKey, TValue}"/> says how many and encodes
/// each, in order; a batch larger than the free credit is written in parts as reports come in.
/// Per record the stage touches only its own counters; delivery reports are counted on a separate cache line and
/// wake the stage only when it waits: at its limit once a quarter of the in-flight records are acknowledged, or,
/// after upstream finished, at the last report. A record the writer fails to encode fails the stage with that error,
/// as a failure upstream does.
/// </summary>
internal sealed class ProducerSinkStage<TIn, TKey, TValue> : GraphStageWithMaterializedValue<SinkShape<TIn>, Task<Done>>
{
    private readonly ProducerSettings<TKey, TValue> _settings;
    private readonly IProducer<TKey, TValue>? _sharedProducer;
    private readonly Func<RecordWriter<TIn, TKey, TValue>> _writer;
    private readonly ProducerHandle<TKey, TValue>? _handle;

    public ProducerSinkStage(
        ProducerSettings<TKey, TValue> settings, IProducer<TKey, TValue>? sharedProducer, Func<RecordWriter<TIn, TKey, TValue>> writer, ProducerHandle<TKey, TValue>? handle = null)
    {
        _settings = settings;
        _sharedProducer = sharedProducer;
        _writer = writer;
        _handle = handle;
        Shape = new SinkShape<TIn>(In);
    }

    public Inlet<TIn> In { get; } = new("kafka-producer-sink.in");

    public override SinkShape<TIn> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("kafka-producer-sink");

    public override ILogicAndMaterializedValue<Task<Done>> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var logic = new Logic(this);
        return new LogicAndMaterializedValue<Task<Done>>(logic, logic.Completion.Task);
    }

    private sealed class Logic : TimerGraphStageLogic, IInHandler
    {
        private static readonly TimeSpan QueueFullRetry = TimeSpan.FromMilliseconds(1);
        private readonly ProducerSinkStage<TIn, TKey, TValue> _stage;
        private readonly RecordWriter<TIn, TKey, TValue> _writer;
        private readonly int _parallelism;
        private readonly int _resumeBelow;
        private readonly DeliveryCounter _delivery = new();
        private readonly Action<DeliveryReport<TKey, TValue>> _onReport;
        private readonly DeliveryReports<TKey, TValue> _reports;
        private Action _wakeUp = () => { };
        private IProducer<TKey, TValue>? _producer;

        // The element being written: its records [_index, _count) are still to produce.
        private TIn? _current;
        private int _count;
        private int _index;

        // Record _index is encoded (Prepare ran) but not yet taken by the client.
        private bool _prepared;

        // The client's queue was full: the timer retries the prepared record.
        private bool _blocked;
        private long _produced;
        private long _credit;
        private bool _finished;
        private Exception? _upstreamFailure;
        private IDisposable? _attachment;

        public Logic(ProducerSinkStage<TIn, TKey, TValue> stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _writer = stage._writer();
            _parallelism = stage._settings.Parallelism;

            // A stage waiting at its limit resumes once a quarter of it is acknowledged, not at every report burst.
            _resumeBelow = Math.Max(1, _parallelism / 4);
            _onReport = OnReport;
            _reports = new DeliveryReports<TKey, TValue>(null, () => _wakeUp());
            SetHandler(stage.In, this);
        }

        public TaskCompletionSource<Done> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void PreStart()
        {
            _wakeUp = GetAsyncCallback(Progress);
            try
            {
                _producer = _stage._sharedProducer ?? ProducerFactory.Create(_stage._settings, onError: _reports.OnClientError, log: KafkaClientLog.For(Log));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Settings the client refuses (no bootstrap.servers, an unknown property): the stage's task fails with
                // the reason, not with the AbruptStageTerminationException a throwing PreStart leaves it.
                _reports.Record(e);
                FailStage(e);
                return;
            }

            var reports = _reports;
            _attachment = _stage._handle?.Attach(_producer, () => reports.Failure);

            // A sink has no outlet: without keep-going the stage would stop as soon as upstream finishes.
            SetKeepGoing(true);
            _credit = _parallelism;
            Pull(_stage.In);
        }

        public void OnPush()
        {
            _current = Grab(_stage.In);
            _count = _writer.Count(_current);
            _index = 0;

            // The common case, written out: the whole element produced within the credit, so pull the next at once.
            if (_credit > 0 && Write() && _count == 0 && _credit > 0 && _reports.Failure is null)
            {
                Pull(_stage.In);
                return;
            }

            Progress();
        }

        public void OnUpstreamFinish() => Progress();

        public void OnUpstreamFailure(Exception e)
        {
            _upstreamFailure = e;
            _reports.Record(e);
            Progress();
        }

        protected override void OnTimer(object timerKey)
        {
            if (_blocked)
            {
                _blocked = false;
                Progress();
            }
        }

        public override void PostStop()
        {
            _attachment?.Dispose(); // a checkpoint's flush no longer waits for this stage's client
            var failure = _reports.Failure;
            if (_finished)
            {
                Completion.TrySetResult(Done.Instance);
            }
            else
            {
                Completion.TrySetException(failure ?? new AbruptStageTerminationException(this));
            }

            if (_producer is { } producer && _stage._sharedProducer is null)
            {
                // Disposing waits for the client's poll thread to stop (up to cancellation.delay.max.ms, 100 ms by
                // default): do it off the stage's thread, after the task has completed. A finished stage has every
                // record acknowledged, so its flush returns at once. A stage whose upstream failed or that was stopped
                // (a job's run failing over) still flushes what it handed to the client: a checkpoint may cover those
                // records, and disposing the client would purge them. Only a failure of the client itself skips it.
                var flushTimeout = _stage._settings.FlushTimeout;
                var log = Log;
                var clientFailed = failure is not null && !ReferenceEquals(failure, _upstreamFailure);
                _ = Task.Run(() => Close(producer, clientFailed ? null : flushTimeout, log));
            }

            base.PostStop();
        }

        private static void Close(IProducer<TKey, TValue> producer, TimeSpan? flushTimeout, ILoggingAdapter log)
        {
            try
            {
                if (flushTimeout is { } timeout)
                {
                    producer.Flush(timeout);
                }

                producer.Dispose();
            }
            catch (Exception e)
            {
                log.Warning(e, "Closing the Kafka producer failed.");
            }
        }

        /// <summary>
        /// Produces the current element's records while there is credit. False when the client's queue is full (the
        /// timer is then set); true otherwise, also when a failure was recorded (the caller looks at it next).
        /// </summary>
        private bool Write()
        {
            while (_index < _count && _credit > 0)
            {
                if (!_prepared)
                {
                    try
                    {
                        _writer.Prepare(_current!, _index);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException)
                    {
                        _reports.Record(e);
                        return true;
                    }

                    _prepared = true;
                }

                try
                {
                    _writer.Produce(_producer!, _onReport);
                    _produced++;
                    _credit--;
                }
                catch (ProduceException<TKey, TValue> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    _blocked = true;
                    ScheduleOnce(nameof(QueueFullRetry), QueueFullRetry);
                    return false;
                }
                catch (ProduceException<TKey, TValue> e)
                {
                    // Rejected at once (unknown partition, serialization): recorded as the failure, which the caller
                    // raises next. It never gets a report, so it is not counted as produced.
                    _reports.OnRejected(_writer.Topic, _writer.Partition, e);
                    return true;
                }
                finally
                {
                    if (!_blocked)
                    {
                        _prepared = false;
                        _index++;
                    }
                }

                if (_reports.Failure is not null)
                {
                    return true;
                }
            }

            if (_index >= _count && _count > 0)
            {
                _current = default;
                _count = 0;
                _index = 0;
                _writer.Clear();
            }

            return true;
        }

        /// <summary>Writes what it may and decides what to do next from the produced and delivered counts; safe to call at any time.</summary>
        private void Progress()
        {
            while (true)
            {
                if (_reports.Failure is { } failure)
                {
                    Completion.TrySetException(failure);
                    FailStage(failure);
                    return;
                }

                if (_blocked)
                {
                    return; // the queue-full timer retries the prepared record
                }

                if (_index < _count && _credit > 0)
                {
                    if (!Write())
                    {
                        return;
                    }

                    continue;
                }

                var writing = _index < _count;
                if (!writing && _credit > 0 && !IsClosed(_stage.In))
                {
                    // Per element only stage-local counters: the delivered count is read again when the credit runs out.
                    if (!HasBeenPulled(_stage.In))
                    {
                        Pull(_stage.In);
                    }

                    return;
                }

                var inFlight = _produced - _delivery.Delivered;
                long target;
                if (!writing && IsClosed(_stage.In))
                {
                    if (inFlight == 0)
                    {
                        _finished = true;
                        CompleteStage();
                        return;
                    }

                    target = _produced;
                }
                else if (inFlight < _parallelism)
                {
                    _credit = _parallelism - inFlight;
                    continue; // writes the rest of the element, or pulls the next
                }
                else
                {
                    target = _produced - _parallelism + _resumeBelow;
                }

                if (!_delivery.AwaitOrReached(target))
                {
                    return; // a delivery report wakes us
                }
            }
        }

        /// <summary>Runs on librdkafka's delivery thread.</summary>
        private void OnReport(DeliveryReport<TKey, TValue> report)
        {
            // Counted whatever its outcome; a failed report is recorded and wakes the stage even while it is not waiting.
            var wake = _delivery.OnReport();
            if (_reports.OnReport(report) && wake)
            {
                _wakeUp();
            }
        }
    }
}
