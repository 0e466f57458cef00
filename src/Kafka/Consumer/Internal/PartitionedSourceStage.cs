using ActorFlow.Kafka.Internal;
using ActorFlow.Kafka.Settings;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.Stage;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>
/// INTERNAL API. Emits one sub-source per assigned partition. The sub-sources read that partition's buffer in the
/// shared hub and complete when the partition is revoked (or the hub stops), so a slow partition pauses alone.
/// </summary>
internal sealed class PartitionedSourceStage<TKey, TValue, TOut>
    : GraphStageWithMaterializedValue<SourceShape<(TopicPartition Partition, Source<TOut, NotUsed> Records)>, IControl>
{
    private readonly ConsumerSettings<TKey, TValue> _settings;
    private readonly ISubscription _subscription;
    private readonly Func<ConsumerHub<TKey, TValue>, TopicPartition, int, Source<TOut, NotUsed>> _subSource;
    private readonly string _name;
    private readonly bool _resolveStarts;
    private readonly Outlet<(TopicPartition, Source<TOut, NotUsed>)> _out;

    public PartitionedSourceStage(
        ConsumerSettings<TKey, TValue> settings,
        ISubscription subscription,
        Func<ConsumeResult<TKey, TValue>, ICommitTarget, int, TOut> map,
        string name)
        : this(settings, subscription, name, (hub, partition, generation) =>
            Source.FromGraph(PartitionSourceStage.Records(hub, partition, generation, map, settings.MaxBatch)))
    {
    }

    /// <summary>
    /// With <paramref name="subSource"/> making each partition's sub-source from the hub, partition and generation; with
    /// <paramref name="resolveStarts"/> the hub resolves each partition's start at assignment (<see cref="ConsumerHub{TKey, TValue}.ResolveStarts"/>).
    /// </summary>
    public PartitionedSourceStage(
        ConsumerSettings<TKey, TValue> settings,
        ISubscription subscription,
        string name,
        Func<ConsumerHub<TKey, TValue>, TopicPartition, int, Source<TOut, NotUsed>> subSource,
        bool resolveStarts = false)
    {
        _resolveStarts = resolveStarts;
        _settings = settings;
        _subscription = subscription;
        _subSource = subSource;
        _name = name;
        _out = new Outlet<(TopicPartition, Source<TOut, NotUsed>)>(name + ".out");
        Shape = new SourceShape<(TopicPartition, Source<TOut, NotUsed>)>(_out);
    }

    public override SourceShape<(TopicPartition Partition, Source<TOut, NotUsed> Records)> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName(_name);

    public override ILogicAndMaterializedValue<IControl> CreateLogicAndMaterializedValue(Attributes inheritedAttributes)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logic = new Logic(this, stopped);
        return new LogicAndMaterializedValue<IControl>(logic, new KafkaControl<TKey, TValue>(logic.Hub, stopped.Task, _settings.StopTimeout));
    }

    private sealed class Logic : OutGraphStageLogic, IHubListener
    {
        private readonly PartitionedSourceStage<TKey, TValue, TOut> _stage;
        private readonly TaskCompletionSource _stopped;
        private readonly Queue<(TopicPartition Partition, int Generation)> _pending = new();
        private Action<IReadOnlyList<(TopicPartition Partition, int Generation)>>? _assigned;
        private Action? _stop;
        private Action<Exception>? _fail;

        public Logic(PartitionedSourceStage<TKey, TValue, TOut> stage, TaskCompletionSource stopped)
            : base(stage.Shape)
        {
            _stage = stage;
            _stopped = stopped;
            Hub = new ConsumerHub<TKey, TValue>(stage._settings, stage._subscription, this) { ResolveStarts = stage._resolveStarts };
            SetHandler(stage._out, this);
        }

        public ConsumerHub<TKey, TValue> Hub { get; }

        public override void PreStart()
        {
            _assigned = GetAsyncCallback<IReadOnlyList<(TopicPartition Partition, int Generation)>>(OnAssignedHere);
            var stop = GetAsyncCallback(CompleteStage);
            _stop = () => stop();
            _fail = GetAsyncCallback<Exception>(FailStage);
            Hub.Start(_stage._name, KafkaClientLog.For(Log));
        }

        public override void OnPull() => TryPush();

        public override void PostStop()
        {
            _stopped.TrySetResult();
            if (!Hub.IsStopped)
            {
                _ = Hub.ShutdownAsync();
            }
        }

        void IHubListener.OnAssigned(IReadOnlyList<(TopicPartition Partition, int Generation)> partitions) => _assigned!(partitions);

        void IHubListener.OnRevoked(IReadOnlyList<TopicPartition> partitions)
        {
            // Each sub-source sees its partition's revocation through the hub and completes itself.
        }

        void IHubListener.OnStopped() => _stop!();

        void IHubListener.OnFailed(Exception error) => _fail!(error);

        private void OnAssignedHere(IReadOnlyList<(TopicPartition Partition, int Generation)> partitions)
        {
            foreach (var p in partitions)
            {
                _pending.Enqueue(p);
            }

            TryPush();
        }

        private void TryPush()
        {
            if (IsAvailable(_stage._out) && _pending.TryDequeue(out var next))
            {
                Push(_stage._out, (next.Partition, _stage._subSource(Hub, next.Partition, next.Generation)));
            }
        }
    }
}
