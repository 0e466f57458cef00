using ActorFlow.Kafka.Settings;
using Akka;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;
using Error = Confluent.Kafka.Error;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. The plain producer sink: produces each record with one shared delivery handler, keeps at most
/// <c>Parallelism</c> records awaiting their report, and completes its task once upstream has finished and
/// every record is acknowledged (then flushes and disposes a producer it created). Delivery reports only
/// count down; they wake the stage once per burst, and only when it waits for them.
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
        private readonly Action<DeliveryReport<TKey, TValue>> _onReport;
        private Action _wakeUp = () => { };
        private IProducer<TKey, TValue>? _producer;
        private ProducerRecord<TKey, TValue>? _blocked;
        private Exception? _failure;
        private int _inFlight;
        private int _waiting;
        private bool _finished;

        public Logic(ProducerSinkStage<TKey, TValue> stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _parallelism = stage._settings.Parallelism;
            _onReport = OnReport;
            SetHandler(stage.In, this);
        }

        public TaskCompletionSource<Done> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void PreStart()
        {
            _wakeUp = GetAsyncCallback(Progress);
            _producer = _stage._sharedProducer ?? ProducerFactory.Create(_stage._settings, onError: OnClientError);

            // A sink has no outlet: without keep-going the stage would stop as soon as upstream finishes.
            SetKeepGoing(true);
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

            if (Interlocked.Increment(ref _inFlight) < _parallelism && Volatile.Read(ref _failure) is null)
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
            Interlocked.CompareExchange(ref _failure, e, null);
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
                Interlocked.Increment(ref _inFlight);
                Progress();
            }
            else
            {
                ScheduleOnce(nameof(QueueFullRetry), QueueFullRetry);
            }
        }

        public override void PostStop()
        {
            var failure = Volatile.Read(ref _failure);
            if (_producer is not null && _stage._sharedProducer is null)
            {
                try
                {
                    if (failure is null)
                    {
                        _producer.Flush(_stage._settings.FlushTimeout);
                    }

                    _producer.Dispose();
                }
                catch (Exception e)
                {
                    Log.Warning(e, "Closing the Kafka producer failed.");
                }
            }

            if (_finished)
            {
                Completion.TrySetResult(Done.Instance);
            }
            else
            {
                Completion.TrySetException(failure ?? new AbruptStageTerminationException(this));
            }

            base.PostStop();
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
                // Rejected at once (unknown partition, serialization): recorded as the failure, which the next Progress raises.
                Interlocked.CompareExchange(ref _failure, ProducerErrors.Delivery(record.Topic, record.Partition, e.Error, e), null);
                return true;
            }
        }

        private void Progress()
        {
            if (Volatile.Read(ref _failure) is { } failure)
            {
                Completion.TrySetException(failure);
                FailStage(failure);
                return;
            }

            // Announce that we wait before looking, so a report that lands after the look wakes us.
            Volatile.Write(ref _waiting, 1);
            var inFlight = Volatile.Read(ref _inFlight);
            if (IsClosed(_stage.In))
            {
                if (inFlight == 0 && _blocked is null)
                {
                    _finished = true;
                    CompleteStage();
                }
            }
            else if (_blocked is null && inFlight < _parallelism)
            {
                Volatile.Write(ref _waiting, 0);
                if (!HasBeenPulled(_stage.In))
                {
                    Pull(_stage.In);
                }
            }
        }

        /// <summary>Runs on librdkafka's delivery thread.</summary>
        private void OnReport(DeliveryReport<TKey, TValue> report)
        {
            if (report.Error.IsError)
            {
                Interlocked.Decrement(ref _inFlight);
                Fail(ProducerErrors.Delivery(report.Topic, report.Partition, report.Error));
            }
            else if (Interlocked.Decrement(ref _inFlight) < _parallelism)
            {
                WakeUp();
            }
        }

        private void OnClientError(Error error)
        {
            if (error.IsFatal)
            {
                Fail(ProducerErrors.Fatal(error, null));
            }
        }

        /// <summary>Records the first failure and always wakes the stage, even while it is not waiting for reports.</summary>
        private void Fail(Exception failure)
        {
            if (Interlocked.CompareExchange(ref _failure, failure, null) is null)
            {
                _wakeUp();
            }
        }

        /// <summary>Wakes the stage if it is waiting; the exchange makes it once per burst of reports.</summary>
        private void WakeUp()
        {
            if (Interlocked.Exchange(ref _waiting, 0) == 1)
            {
                _wakeUp();
            }
        }
    }
}
