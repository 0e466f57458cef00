using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>
/// INTERNAL API. The records of one partition in one assignment generation, pushed as chunks: everything the
/// partition's buffer holds (up to max-batch) in one array, so downstream stages pay per chunk, not per record.
/// </summary>
internal sealed class PartitionChunkSourceStage<TKey, TValue> : GraphStage<SourceShape<ConsumeResult<TKey, TValue>[]>>
{
    private readonly ConsumerHub<TKey, TValue> _hub;
    private readonly TopicPartition _partition;
    private readonly int _generation;
    private readonly int _maxBatch;
    private readonly Outlet<ConsumeResult<TKey, TValue>[]> _out;

    public PartitionChunkSourceStage(ConsumerHub<TKey, TValue> hub, TopicPartition partition, int generation, int maxBatch)
    {
        _hub = hub;
        _partition = partition;
        _generation = generation;
        _maxBatch = maxBatch;
        _out = new Outlet<ConsumeResult<TKey, TValue>[]>($"PartitionChunks-{partition.Topic}-{partition.Partition.Value}.out");
        Shape = new SourceShape<ConsumeResult<TKey, TValue>[]>(_out);
    }

    public override SourceShape<ConsumeResult<TKey, TValue>[]> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName($"PartitionChunkSource-{_partition.Topic}-{_partition.Partition.Value}");

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly PartitionChunkSourceStage<TKey, TValue> _stage;
        private readonly List<Polled<TKey, TValue>> _taken = new();
        private Action? _wake;

        public Logic(PartitionChunkSourceStage<TKey, TValue> stage)
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

            _taken.Clear();
            switch (_stage._hub.Take(_stage._partition, _stage._generation, _taken, _stage._maxBatch, _wake!))
            {
                case TakeStatus.Data:
                    var chunk = new ConsumeResult<TKey, TValue>[_taken.Count];
                    for (var i = 0; i < chunk.Length; i++)
                    {
                        chunk[i] = _taken[i].Record;
                    }

                    _taken.Clear();
                    Push(_stage._out, chunk);
                    break;
                case TakeStatus.Completed:
                    CompleteStage();
                    break;
                case TakeStatus.Failed:
                    FailStage(_stage._hub.Failure!);
                    break;
            }
        }
    }
}
