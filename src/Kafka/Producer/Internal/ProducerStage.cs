using ActorFlow.Kafka.Internal;
using ActorFlow.Kafka.Settings;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. The producer flow: hands each envelope's records to <c>IProducer.Produce</c> with a delivery
/// handler, keeps at most <c>Parallelism</c> envelopes in flight and emits their results in input order.
/// Delivery reports arrive on librdkafka's delivery thread; they wake the stage through one async callback
/// per burst (an interlocked flag), not one per record. A failed delivery or a fatal client error fails the
/// stage. A producer the stage created is flushed (on normal stop) and disposed in <c>PostStop</c>; a shared
/// producer is left alone.
/// </summary>
internal sealed class ProducerStage<TKey, TValue, TPassThrough>
    : GraphStage<FlowShape<IEnvelope<TKey, TValue, TPassThrough>, IResults<TKey, TValue, TPassThrough>>>
{
    private readonly ProducerSettings<TKey, TValue> _settings;
    private readonly IProducer<TKey, TValue>? _sharedProducer;

    public ProducerStage(ProducerSettings<TKey, TValue> settings, IProducer<TKey, TValue>? sharedProducer)
    {
        _settings = settings;
        _sharedProducer = sharedProducer;
        Shape = new FlowShape<IEnvelope<TKey, TValue, TPassThrough>, IResults<TKey, TValue, TPassThrough>>(In, Out);
    }

    public Inlet<IEnvelope<TKey, TValue, TPassThrough>> In { get; } = new("kafka-producer.in");

    public Outlet<IResults<TKey, TValue, TPassThrough>> Out { get; } = new("kafka-producer.out");

    public override FlowShape<IEnvelope<TKey, TValue, TPassThrough>, IResults<TKey, TValue, TPassThrough>> Shape { get; }

    protected override Attributes InitialAttributes { get; } = Attributes.CreateName("kafka-producer-flow");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : TimerGraphStageLogic, IInHandler, IOutHandler
    {
        private static readonly TimeSpan QueueFullRetry = TimeSpan.FromMilliseconds(1);
        private readonly ProducerStage<TKey, TValue, TPassThrough> _stage;
        private readonly Queue<PendingEnvelope<TKey, TValue, TPassThrough>> _inFlight = new();
        private readonly Action<PendingEnvelope<TKey, TValue, TPassThrough>, DeliveryReport<TKey, TValue>> _onReport;
        private readonly DeliveryReports<TKey, TValue> _reports;
        private Action _wakeUp = () => { };
        private IProducer<TKey, TValue>? _producer;
        private PendingEnvelope<TKey, TValue, TPassThrough>? _blocked;
        private int _wakeUpScheduled;
        private bool _failed;

        public Logic(ProducerStage<TKey, TValue, TPassThrough> stage)
            : base(stage.Shape)
        {
            _stage = stage;
            _onReport = OnReport;
            _reports = new DeliveryReports<TKey, TValue>(null, WakeUp);
            SetHandler(stage.In, this);
            SetHandler(stage.Out, this);
        }

        public override void PreStart()
        {
            _wakeUp = GetAsyncCallback(OnWakeUp);
            _producer = _stage._sharedProducer ?? ProducerFactory.Create(_stage._settings, onError: _reports.OnClientError, log: KafkaClientLog.For(Log));
            Pull(_stage.In);
        }

        public void OnPush()
        {
            var pending = new PendingEnvelope<TKey, TValue, TPassThrough>(Grab(_stage.In), _onReport);
            _inFlight.Enqueue(pending);
            if (!ProduceRest(pending))
            {
                _blocked = pending;
                ScheduleOnce(nameof(QueueFullRetry), QueueFullRetry);
            }

            Progress();
        }

        public void OnUpstreamFinish() => Progress();

        public void OnUpstreamFailure(Exception e) => FailStage(e);

        public void OnPull() => Progress();

        public void OnDownstreamFinish(Exception cause) => CompleteStage();

        protected override void OnTimer(object timerKey)
        {
            if (_blocked is { } blocked && ProduceRest(blocked))
            {
                _blocked = null;
                Progress();
            }
            else if (_blocked is not null)
            {
                ScheduleOnce(nameof(QueueFullRetry), QueueFullRetry);
            }
        }

        public override void PostStop()
        {
            if (_producer is not null && _stage._sharedProducer is null)
            {
                try
                {
                    if (!_failed)
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

            base.PostStop();
        }

        /// <summary>Hands the not yet produced records of <paramref name="pending"/> to the client; false when its local queue is full.</summary>
        private bool ProduceRest(PendingEnvelope<TKey, TValue, TPassThrough> pending)
        {
            var records = pending.Records;
            while (pending.Produced < records.Count)
            {
                var record = records[pending.Produced];
                try
                {
                    _producer!.Produce(record.TopicPartition, record.Message, pending.HandlerFor(pending.Produced));
                }
                catch (ProduceException<TKey, TValue> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
                {
                    return false;
                }
                catch (ProduceException<TKey, TValue> e)
                {
                    // Rejected at once (unknown partition, serialization): recorded as the failure, which the next Progress raises.
                    _reports.OnRejected(record, e);
                    return true;
                }

                pending.Produced++;
            }

            return true;
        }

        /// <summary>Emits delivered results in order, pulls while below the parallelism bound, completes when drained.</summary>
        private void Progress()
        {
            if (_reports.Failure is { } failure)
            {
                _failed = true;
                FailStage(failure);
                return;
            }

            if (IsAvailable(_stage.Out) && _inFlight.TryPeek(out var head) && head.Produced == head.Records.Count && head.IsDelivered)
            {
                Push(_stage.Out, _inFlight.Dequeue().ToResult());
            }

            if (IsClosed(_stage.In))
            {
                if (_inFlight.Count == 0)
                {
                    CompleteStage();
                }
            }
            else if (_blocked is null && _inFlight.Count < _stage._settings.Parallelism && !HasBeenPulled(_stage.In))
            {
                Pull(_stage.In);
            }
        }

        private void OnWakeUp()
        {
            Volatile.Write(ref _wakeUpScheduled, 0);
            Progress();
        }

        /// <summary>Runs on librdkafka's delivery thread.</summary>
        private void OnReport(PendingEnvelope<TKey, TValue, TPassThrough> pending, DeliveryReport<TKey, TValue> report)
        {
            // A failed report is recorded and wakes the stage; a delivered one wakes it once its envelope is complete.
            if (_reports.OnReport(report) && pending.IsDelivered)
            {
                WakeUp();
            }
        }

        private void WakeUp()
        {
            if (Interlocked.Exchange(ref _wakeUpScheduled, 1) == 0)
            {
                _wakeUp();
            }
        }
    }
}
