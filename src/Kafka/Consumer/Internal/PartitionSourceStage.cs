using Akka.Streams;
using Akka.Streams.Stage;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>
/// INTERNAL API. The records of one partition in one assignment generation, taken from the <see cref="ConsumerHub{TKey, TValue}"/>
/// up to max-batch at a time and emitted in the shape the caller chose: one element per record
/// (<see cref="PartitionSourceStage.Records{TKey, TValue, TOut}"/>) or one array per take (<see cref="PartitionSourceStage.Chunks{TKey, TValue}"/>).
/// </summary>
internal sealed class PartitionSourceStage<TKey, TValue, TOut> : GraphStage<SourceShape<TOut>>
{
    private readonly ConsumerHub<TKey, TValue> _hub;
    private readonly TopicPartition _partition;
    private readonly int _generation;
    private readonly int _maxBatch;
    private readonly Action<List<Polled<TKey, TValue>>, Queue<TOut>> _emit;
    private readonly Outlet<TOut> _out;
    private readonly string _name;

    /// <param name="hub">The consumer the partition's records are taken from.</param>
    /// <param name="partition">The partition.</param>
    /// <param name="generation">The assignment generation; the stage completes when the partition is revoked from it.</param>
    /// <param name="maxBatch">Most records in one take.</param>
    /// <param name="emit">Turns the records of one take (never empty) into the elements to push, in order.</param>
    /// <param name="name">Names the stage (and its outlet), followed by the topic and partition.</param>
    public PartitionSourceStage(
        ConsumerHub<TKey, TValue> hub,
        TopicPartition partition,
        int generation,
        int maxBatch,
        Action<List<Polled<TKey, TValue>>, Queue<TOut>> emit,
        string name)
    {
        _hub = hub;
        _partition = partition;
        _generation = generation;
        _maxBatch = maxBatch;
        _emit = emit;
        _name = $"{name}-{partition.Topic}-{partition.Partition.Value}";
        _out = new Outlet<TOut>(_name + ".out");
        Shape = new SourceShape<TOut>(_out);
    }

    public override SourceShape<TOut> Shape { get; }

    protected override Attributes InitialAttributes => Attributes.CreateName(_name);

    protected override GraphStageLogic CreateLogic(Attributes inheritedAttributes) => new Logic(this);

    private sealed class Logic : OutGraphStageLogic
    {
        private readonly PartitionSourceStage<TKey, TValue, TOut> _stage;
        private readonly Queue<TOut> _ready = new();
        private readonly List<Polled<TKey, TValue>> _taken = new();
        private Action? _wake;

        public Logic(PartitionSourceStage<TKey, TValue, TOut> stage)
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

            if (_ready.Count == 0)
            {
                _taken.Clear();
                switch (_stage._hub.Take(_stage._partition, _stage._generation, _taken, _stage._maxBatch, _wake!))
                {
                    case TakeStatus.Data:
                        _stage._emit(_taken, _ready);
                        _taken.Clear();
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

            Push(_stage._out, _ready.Dequeue());
        }
    }
}

/// <summary>INTERNAL API. The two element shapes of <see cref="PartitionSourceStage{TKey, TValue, TOut}"/>.</summary>
internal static class PartitionSourceStage
{
    /// <summary>One element per record, made by <paramref name="map"/> from the record, the commit target and the generation.</summary>
    public static PartitionSourceStage<TKey, TValue, TOut> Records<TKey, TValue, TOut>(
        ConsumerHub<TKey, TValue> hub,
        TopicPartition partition,
        int generation,
        Func<ConsumeResult<TKey, TValue>, ICommitTarget, int, TOut> map,
        int maxBatch) =>
        new(hub, partition, generation, maxBatch, (taken, ready) =>
        {
            foreach (var polled in taken)
            {
                ready.Enqueue(map(polled.Record, hub, polled.Generation));
            }
        }, "PartitionSource");

    /// <summary>
    /// One array per take: everything the partition's buffer holds (up to max-batch), so downstream stages pay per
    /// chunk, not per record.
    /// </summary>
    public static PartitionSourceStage<TKey, TValue, ConsumeResult<TKey, TValue>[]> Chunks<TKey, TValue>(
        ConsumerHub<TKey, TValue> hub,
        TopicPartition partition,
        int generation,
        int maxBatch) =>
        new(hub, partition, generation, maxBatch, (taken, ready) =>
        {
            var chunk = new ConsumeResult<TKey, TValue>[taken.Count];
            for (var i = 0; i < chunk.Length; i++)
            {
                chunk[i] = taken[i].Record;
            }

            ready.Enqueue(chunk);
        }, "PartitionChunkSource");
}
