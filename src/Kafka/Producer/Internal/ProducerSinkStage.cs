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
/// Per record the stage touches only its own counters; delivery reports are counted on a separate cache line and
/// wake the stage only when it waits: at its limit once a quarter of the in-flight records are acknowledged, or,
/// after upstream finished, at the last report.
/// </summary>
internal sealed class ProducerSinkStage<TKey, TValue> : GraphStageWithMaterializedValue<SinkShape<ProducerRecord<TKey, TValue>>, Task<Done>>
{
    private readonly ProducerSettings<TKey, TValue> _settings;
    private readonly IProducer<TKey, TValue>? _sharedProducer;

    public ProducerSinkStage(ProducerSettings<TKey, TValue> settings, IProducer<TKey, TValue>? sharedProducer)
    {
        _settings = settings;
        _sharedProducer = sharedProducer;
        Shape = new SinkShape<ProducerRecord<TKey, TValue>>(In);
    }

    public Inlet<ProducerRecord<TKey, TValue>> In { get; } = new("kafka-producer-sink.in");

    public override SinkShape<ProducerRecord<TKey, TValue>> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("kafka-producer-sink");

    public override ILogicAndMaterializedValue<Task<Done>> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var logic = new Logic(this);
        return new LogicAndMaterializedValue<Task<Done>>(logic, logic.Completion.Task);
    }

    private sealed class Logic : TimerGraphStageLogic, IInHandler
    {
        private static readonly TimeSpan QueueFullRetry = TimeSpan.FromMilliseconds(1);
        private readonly ProducerSinkStage<TKey, TValue> _stage;
        private readonly int _parallelism;
        private readonly int _resumeBelow;
        private readonly DeliveryCounter _delivery = new();
        private readonly Action<DeliveryReport<TKey, TValue>> _onReport;
        private readonly DeliveryReports<TKey, TValue> _reports;
        private Action _wakeUp = () => { };
        private IProducer<TKey, TValue>? _producer;
        private ProducerRecord<TKey, TValue>? _blocked;
        private long _produced;
        private long _credit;
        private bool _finished;

        public Logic(ProducerSinkStage<TKey, TValue> stage)
            : base(stage.Shape)
        {
            _stage = stage;
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
            _producer = _stage._sharedProducer ?? ProducerFactory.Create(_stage._settings, onError: _reports.OnClientError, log: KafkaClientLog.For(Log));

            // A sink has no outlet: without keep-going the stage would stop as soon as upstream finishes.
            SetKeepGoing(true);
            _credit = _parallelism;
            Pull(_stage.In);
        }

        public void OnPush()
        {
            var record = Grab(_stage.In);
            if (!TryProduce(record))
            {
                _blocked = record;
                ScheduleOnce(nameof(QueueFullRetry), QueueFullRetry);
                return;
            }

            _produced++;

            // Per record only stage-local counters: the delivered count is read again when the credit runs out.
            if (--_credit > 0 && _reports.Failure is null)
            {
                Pull(_stage.In);
            }
            else
            {
                Progress();
            }
        }

        public void OnUpstreamFinish() => Progress();

        public void OnUpstreamFailure(Exception e)
        {
            _reports.Record(e);
            Progress();
        }

        protected override void OnTimer(object timerKey)
        {
            if (_blocked is not { } record)
            {
                return;
            }

            if (TryProduce(record))
            {
                _blocked = null;
                _produced++;
                Progress();
            }
            else
            {
                ScheduleOnce(nameof(QueueFullRetry), QueueFullRetry);
            }
        }

        public override void PostStop()
        {
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
                // record acknowledged, so its flush returns at once.
                var flushTimeout = _stage._settings.FlushTimeout;
                var log = Log;
                _ = Task.Run(() => Close(producer, failure is null ? flushTimeout : null, log));
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

        private bool TryProduce(ProducerRecord<TKey, TValue> record)
        {
            try
            {
                _producer!.Produce(record.TopicPartition, record.Message, _onReport);
                return true;
            }
            catch (ProduceException<TKey, TValue> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                return false;
            }
            catch (ProduceException<TKey, TValue> e)
            {
                // Rejected at once (unknown partition, serialization): recorded as the failure, which the next Progress
                // raises. It never gets a report, so it is not counted as produced.
                _reports.OnRejected(record, e);
                _produced--;
                return true;
            }
        }

        /// <summary>Decides what to do next from the produced and delivered counts; safe to call at any time.</summary>
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

                if (_blocked is not null)
                {
                    return; // the queue-full timer retries it
                }

                var inFlight = _produced - _delivery.Delivered;
                long target;
                if (IsClosed(_stage.In))
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
                    if (!HasBeenPulled(_stage.In))
                    {
                        Pull(_stage.In);
                    }

                    return;
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
