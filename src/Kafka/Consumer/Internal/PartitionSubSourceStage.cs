using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>INTERNAL API. The records of one partition in one assignment generation.</summary>
internal sealed class PartitionSubSourceStage<TKey, TValue, TOut> : GraphStage<SourceShape<TOut>>
{
    private readonly ConsumerHub<TKey, TValue> _hub;
    private readonly TopicPartition _partition;
    private readonly int _generation;
    private readonly Func<ConsumeResult<TKey, TValue>, ICommitTarget, int, TOut> _map;
    private readonly int _maxBatch;
    private readonly Outlet<TOut> _out;

    public PartitionSubSourceStage(
        ConsumerHub<TKey, TValue> hub,
        TopicPartition partition,
        int generation,
        Func<ConsumeResult<TKey, TValue>, ICommitTarget, int, TOut> map,
        int maxBatch)
    {
        _hub = hub;
        _partition = partition;
        _generation = generation;
        _map = map;
        _maxBatch = maxBatch;
        _out = new Outlet<TOut>($"Partition-{partition.Topic}-{partition.Partition.Value}.out");
        Shape = new SourceShape<TOut>(_out);
    }

    public override SourceShape<TOut> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName($"PartitionSource-{_partition.Topic}-{_partition.Partition.Value}");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly PartitionSubSourceStage<TKey, TValue, TOut> _stage;
        private readonly Queue<Polled<TKey, TValue>> _local = new();
        private readonly List<Polled<TKey, TValue>> _taken = new();
        private Action? _wake;

        public Logic(PartitionSubSourceStage<TKey, TValue, TOut> stage)
            : base(stage.Shape)
        {
            _stage = stage;
            SetHandler(stage._out, this);
        }

        public override void PreStart()
        {
            var wake = GetAsyncCallback(TryPush);
            _wake = () => wake();
        }

        public override void OnPull() => TryPush();

        private void TryPush()
        {
            if (!IsAvailable(_stage._out))
            {
                return;
            }

            if (_local.Count == 0)
            {
                _taken.Clear();
                switch (_stage._hub.Take(_stage._partition, _stage._generation, _taken, _stage._maxBatch, _wake!))
                {
                    case TakeStatus.Data:
                        _taken.ForEach(_local.Enqueue);
                        break;
                    case TakeStatus.Completed:
                        CompleteStage();
                        return;
                    case TakeStatus.Failed:
                        FailStage(_stage._hub.Failure!);
                        return;
                    default:
                        return;
                }
            }

            var next = _local.Dequeue();
            Push(_stage._out, _stage._map(next.Record, _stage._hub, next.Generation));
        }
    }
}
