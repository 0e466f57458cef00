using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.DataPath;

/// <summary>
/// A source partition announced again while its earlier sub-source still delivers (a Kafka rebalance gave the partition
/// back) is read after that one ends, so the partition's records, and the position the runtime takes from them, never
/// go back to the earlier assignment's.
/// </summary>
public sealed class PartitionTurnSpec : Akka.TestKit.Xunit2.TestKit
{
    /// <summary>
    /// Verify that partition "p"'s second sub-source (offset 2) delivers nothing until its first (offsets 0 and 1) has
    /// delivered its last record and completed.
    /// </summary>
    [Fact]
    public async Task A_partition_announced_again_must_be_read_after_its_earlier_sub_source_ends()
    {
        var release = new TaskCompletionSource<IReadOnlyList<SourceRecord<int>>>(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = Source.Single(Records(0)).Concat(Source.FromTask(release.Task));
        var second = Source.Single(Records(2));
        var connector = new TwoTurns(first, second);
        var strategy = WatermarkStrategy<int>.ForBoundedOutOfOrderness(TimeSpan.Zero).WithTimestampAssigner((v, _) => v);
        var options = new JobRunnerOptions { WatermarkInterval = TimeSpan.FromSeconds(1) };
        var running = SourceGraph.Build(connector, strategy, TimeProvider.System, options, (assigner, incoming) => assigner.OnIncoming(incoming))
            .SelectMany(chunk => chunk.Items.Take(chunk.Count).Select(e => e.Offset))
            .ViaMaterialized(KillSwitches.Single<long>(), Keep.Right)
            .To(Sink.ActorRef<long>(TestActor, "completed", e => e))
            .Run(Sys.Materializer());

        await ExpectMsgAsync(0L);
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500)); // the second sub-source waits for the first
        release.SetResult(Records(1));
        await ExpectMsgAsync(1L);
        await ExpectMsgAsync(2L);
        running.Shutdown();
    }

    private static IReadOnlyList<SourceRecord<int>> Records(long offset) => [new SourceRecord<int>((int)offset, offset, "p", offset)];

    /// <summary>Announces partition "p" twice at once: <paramref name="first"/>, then <paramref name="second"/>.</summary>
    private sealed class TwoTurns(Source<IReadOnlyList<SourceRecord<int>>, NotUsed> first, Source<IReadOnlyList<SourceRecord<int>>, NotUsed> second) : ISourceConnector<int>
    {
        public Source<(string Partition, Source<IReadOnlyList<SourceRecord<int>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets) =>
            Source.From(new[] { ("p", first), ("p", second) })
                .Concat(Source.Never<(string, Source<IReadOnlyList<SourceRecord<int>>, NotUsed>)>())
                .MapMaterializedValue(ISourceControl (_) => new NoControl());
    }

    private sealed class NoControl : ISourceControl
    {
        public Task Ready => Task.CompletedTask;

        public Task StopAsync() => Task.CompletedTask;

        public Task ShutdownAsync() => Task.CompletedTask;

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => Task.CompletedTask;
    }
}
