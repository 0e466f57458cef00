using ActorFlow.Operators;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime.Internal;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Graphs;

/// <summary>How a job's output batches reach its sinks: a batch sink gets each batch's records as one list, others one element per record.</summary>
public sealed class BatchSinkRoutingSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly IMaterializer _materializer;

    public BatchSinkRoutingSpec()
    {
        _materializer = Sys.Materializer();
    }

    /// <summary>
    /// Verify that a sink implementing <see cref="IBatchSinkConnector{T}"/> receives, per job batch, one list of the
    /// records addressed to it, in order, and nothing for a batch without any; a plain sink gets the same records one by one.
    /// </summary>
    [Fact]
    public async Task A_job_graph_must_hand_a_batch_sink_one_list_per_batch()
    {
        var graph = new JobGraph();
        var batchSink = new RecordingBatchSink();
        var plain = new List<int>();
        var batchId = graph.AddSink(batchSink, "batch");
        var plainId = graph.AddSink(new ListSink<int>(plain), "plain");
        IReadOnlyList<Emitted>[] batches =
        [
            [ToSink(batchId, 1), ToSink(plainId, 10), ToSink(batchId, 2), new Emitted(EmittedKind.Dead, null, "dead", 0)],
            [ToSink(plainId, 11)],
            [ToSink(batchId, 3)],
        ];

        await Task.WhenAll(
            Source.From(batches).RunWith(graph.Sinks[batchId].Build(), _materializer),
            Source.From(batches).RunWith(graph.Sinks[plainId].Build(), _materializer)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([[1, 2], [3]], batchSink.Lists);
        Assert.Equal([[1001, 1002], [1003]], batchSink.Timestamps); // each record's event timestamp with it
        Assert.Equal(0, batchSink.RecordSinks);
        Assert.Equal([10, 11], plain);
    }

    private static Emitted ToSink(int sink, int value) => new(EmittedKind.Sink, null, value, 1000 + value, sink);

    private sealed class RecordingBatchSink : IBatchSinkConnector<int>
    {
        public List<int[]> Lists { get; } = [];

        public int RecordSinks { get; private set; }

        public Sink<int, Task<Done>> Sink()
        {
            RecordSinks++;
            return Akka.Streams.Dsl.Sink.Ignore<int>();
        }

        public List<long[]> Timestamps { get; } = [];

        public Sink<IReadOnlyList<TimestampedValue<int>>, Task<Done>> BatchSink() =>
            Akka.Streams.Dsl.Sink.ForEach<IReadOnlyList<TimestampedValue<int>>>(list =>
            {
                lock (Lists)
                {
                    Lists.Add([.. list.Select(v => v.Value)]);
                    Timestamps.Add([.. list.Select(v => v.Timestamp)]);
                }
            });
    }
}
