using ActorFlow.Kafka.Internal;
using ActorFlow.Kafka.Settings;
using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>
/// INTERNAL API. A source over all partitions of one consumer (plain and committable sources). Each record becomes
/// <typeparamref name="TOut"/> through a map that also receives the record's commit target and assignment generation.
/// </summary>
internal sealed class KafkaSourceStage<TKey, TValue, TOut> : GraphStageWithMaterializedValue<SourceShape<TOut>, IControl>
{
    private readonly ConsumerSettings<TKey, TValue> _settings;
    private readonly ISubscription _subscription;
    private readonly Func<ConsumeResult<TKey, TValue>, ICommitTarget, int, TOut> _map;
    private readonly string _name;
    private readonly Outlet<TOut> _out;

    public KafkaSourceStage(
        ConsumerSettings<TKey, TValue> settings,
        ISubscription subscription,
        Func<ConsumeResult<TKey, TValue>, ICommitTarget, int, TOut> map,
        string name)
    {
        _settings = settings;
        _subscription = subscription;
        _map = map;
        _name = name;
        _out = new Outlet<TOut>(name + ".out");
        Shape = new SourceShape<TOut>(_out);
    }

    public override SourceShape<TOut> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName(_name);

    public override ILogicAndMaterializedValue<IControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logic = new Logic(this, stopped);
        return new LogicAndMaterializedValue<IControl>(logic, new KafkaControl<TKey, TValue>(logic.Hub, stopped.Task, _settings.StopTimeout));
    }

    /// <summary>
    /// Drops from <paramref name="local"/> the records taken but not emitted whose assignment is gone: the partition's next
    /// owner reads them again. By generation, not by partition: when a partition came back before the revoke reached the
    /// stage, the records of its new generation taken since are this consumer's to emit (nobody reads them again).
    /// </summary>
    internal static void DropRevoked(Queue<Polled<TKey, TValue>> local, Func<TopicPartition, int, bool> isCurrent)
    {
        var keep = local.Where(r => isCurrent(r.Record.TopicPartition, r.Generation)).ToList();
        local.Clear();
        keep.ForEach(local.Enqueue);
    }

    private sealed class Logic : OutGraphStageLogic, IHubListener
    {
        private readonly KafkaSourceStage<TKey, TValue, TOut> _stage;
        private readonly TaskCompletionSource _stopped;
        private readonly Queue<Polled<TKey, TValue>> _local = new();
        private readonly List<Polled<TKey, TValue>> _taken = new();
        private Action? _wake;
        private Action<Exception>? _fail;
        private Action? _revoked;

        public Logic(KafkaSourceStage<TKey, TValue, TOut> stage, TaskCompletionSource stopped)
            : base(stage.Shape)
        {
            _stage = stage;
            _stopped = stopped;
            Hub = new ConsumerHub<TKey, TValue>(stage._settings, stage._subscription, this);
            SetHandler(stage._out, this);
        }

        public ConsumerHub<TKey, TValue> Hub { get; }

        public override void PreStart()
        {
            var wake = GetAsyncCallback(TryPush);
            _wake = () => wake();
            _fail = GetAsyncCallback<Exception>(FailStage);
            var revoked = GetAsyncCallback(OnRevokedHere);
            _revoked = () => revoked();
            Hub.Start(_stage._name, KafkaClientLog.For(Log));
        }

        public override void OnPull() => TryPush();

        public override void PostStop()
        {
            _stopped.TrySetResult();
            if (!Hub.IsStopped)
            {
                _ = Hub.ShutdownAsync(); // cancelled or failed: nothing will commit through this consumer
            }
        }

        void IHubListener.OnAssigned(IReadOnlyList<(TopicPartition Partition, int Generation)> partitions)
        {
        }

        void IHubListener.OnStopped() => _wake!();

        // Which partitions does not matter here: the stage keeps what is still assigned in its generation (DropRevoked).
        void IHubListener.OnRevoked(IReadOnlyList<TopicPartition> partitions) => _revoked!();

        void IHubListener.OnFailed(Exception error) => _fail!(error);

        private void OnRevokedHere()
        {
            if (_local.Count == 0)
            {
                return;
            }

            DropRevoked(_local, Hub.IsCurrent);
        }

        private void TryPush()
        {
            if (!IsAvailable(_stage._out))
            {
                return;
            }

            if (_local.Count == 0)
            {
                _taken.Clear();
                switch (Hub.Take(null, 0, _taken, _stage._settings.MaxBatch, _wake!))
                {
                    case TakeStatus.Data:
                        _taken.ForEach(_local.Enqueue);
                        break;
                    case TakeStatus.Completed:
                        CompleteStage();
                        return;
                    case TakeStatus.Failed:
                        FailStage(Hub.Failure!);
                        return;
                    default:
                        return;
                }
            }

            var next = _local.Dequeue();
            Push(_stage._out, _stage._map(next.Record, Hub, next.Generation));
        }
    }
}
