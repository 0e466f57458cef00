using System.Collections.Concurrent;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using ActorFlow.Topology.Tests.Bounded;
using ActorFlow.Topology.Tests.EndToEnd;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Topology.Tests.DataPath;

/// <summary>
/// A watermark a generator emits for a record (punctuated, in <c>OnEvent</c>) counts from the next record on, also
/// within one chunk of the source (one Kafka poll): as in Flink, where such a watermark goes on at once.
/// </summary>
public sealed class PunctuatedWatermarkSpec : IDisposable
{
    private const string P0 = "clicks/0";
    private const string P1 = "clicks/1";
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-punctuated");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));

    /// <summary>Verify that the assigner ends a chunk after the record whose watermark moved the combined one, and takes the rest from there.</summary>
    [Fact]
    public void The_assigner_must_end_a_chunk_after_the_record_that_moved_the_watermark()
    {
        var assigner = new WatermarkAssigner<string>(WatermarkStrategy<string>.ForGenerator(() => new AtEveryRecord()), _time);
        var incoming = new Incoming<string>(P0, [Record(0, 15), Record(1, 5), Record(2, 20)]);

        var first = assigner.OnIncoming(incoming);
        Assert.Equal([0L], first.Items.Take(first.Count).Select(e => e.Offset));
        Assert.Equal(15, first.Watermark);
        Assert.Equal(1, first.NextOffset);
        Assert.Equal(1, assigner.ResumeAt);

        // 5 moves nothing; 20 does, but nothing follows it: the rest is one chunk.
        var rest = assigner.OnIncoming(incoming with { From = 1 });
        Assert.Equal([1L, 2L], rest.Items.Take(rest.Count).Select(e => e.Offset));
        Assert.Equal(20, rest.Watermark);
        Assert.Equal(3, rest.NextOffset);
        Assert.Equal(-1, assigner.ResumeAt);
    }

    /// <summary>Verify that the records after a cut all come in the next chunk however many there are (it starts small and grows), and that batch mode, whose event time stands still, cuts nothing.</summary>
    [Fact]
    public void The_assigner_must_take_the_whole_rest_after_a_cut_and_cut_nothing_in_batch_mode()
    {
        SourceRecord<string>[] records = [Record(0, 100), .. Enumerable.Range(1, 20).Select(i => Record(i, 50))];
        var assigner = new WatermarkAssigner<string>(WatermarkStrategy<string>.ForGenerator(() => new AtEveryRecord()), _time);
        var incoming = new Incoming<string>(P0, records);

        Assert.Equal(1, assigner.OnIncoming(incoming).Count);
        var rest = assigner.OnIncoming(incoming with { From = assigner.ResumeAt });
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), rest.Items.Take(rest.Count).Select(e => e.Offset));
        Assert.Equal(-1, assigner.ResumeAt);

        var batch = new WatermarkAssigner<string>(WatermarkStrategy<string>.ForGenerator(() => new AtEveryRecord()), _time) { CutsAtWatermarks = false };
        var whole = batch.OnIncoming(new Incoming<string>(P0, [Record(0, 15), Record(1, 5), Record(2, 20)]));
        Assert.Equal(3, whole.Count);
        Assert.Equal(-1, batch.ResumeAt);
    }

    /// <summary>Verify that a partition's watermark that does not move the combined one (another partition is behind) ends no chunk.</summary>
    [Fact]
    public void The_assigner_must_keep_the_chunk_whole_while_another_partition_holds_the_watermark()
    {
        var assigner = new WatermarkAssigner<string>(WatermarkStrategy<string>.ForGenerator(() => new AtEveryRecord()), _time);
        assigner.OnIncoming(new Incoming<string>(P1, []));

        var chunk = assigner.OnIncoming(new Incoming<string>(P0, [Record(0, 15), Record(1, 5), Record(2, 20)]));

        Assert.Equal(3, chunk.Count);
        Assert.Equal(-1, assigner.ResumeAt);
        Assert.Equal(long.MinValue, chunk.Watermark);
    }

    /// <summary>
    /// Verify that a streaming job judges a record against the watermark the record before it emitted, in the same chunk:
    /// the records read 9.5 to 19 s after a newer one (1 s of out-of-orderness) are late whether each record is a chunk of
    /// its own or all four come in one.
    /// </summary>
    [Fact]
    public async Task A_job_must_judge_a_record_against_the_watermark_of_the_record_before_it_in_its_chunk()
    {
        const long b = BoundedJobs.Base;
        List<(Click Value, long Time)> input =
        [
            (new Click("a", b + 10_000), b + 10_000),
            (new Click("b", b + 20_000), b + 20_000),
            (new Click("a", b + 1_000), b + 1_000),
            (new Click("a", b + 10_500), b + 10_500),
        ];
        var watermarks = BoundedJobs.PerRecordWatermarks;
        var system = await ActorFlowCluster.StartNodeAsync("punctuated", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            foreach (var chunk in new[] { 1, 4 })
            {
                var output = new ConcurrentQueue<string>();
                var job = await JobRunner.StartAsync(system, BoundedJobs.WindowedCount("punctuated-" + chunk, new BoundedListSource<Click>([input], chunk), new QueueSink<string>(output), watermarks));
                var summary = await job.Completion.WaitAsync(TimeSpan.FromSeconds(60));

                Assert.Equal(2, summary.LateRecords);
                Assert.Equal(["a|" + (b + 10_000) + "|1", "b|" + (b + 20_000) + "|1"], output.Order(StringComparer.Ordinal));
            }
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>
    /// Verify that a punctuated watermark that rises in a batch without records for some key group of the first hop
    /// reaches that key group before the next hop moves to it: user-2's count of window 0 reaches the second hop's sum
    /// of window 0 instead of arriving late there (it used to wait for the next tick while the marker went on).
    /// </summary>
    [Fact]
    public async Task A_rising_punctuated_watermark_must_fire_every_key_group_before_the_next_hop()
    {
        const long b = BoundedJobs.Base;
        List<(Click Value, long Time)> input =
        [
            (new Click("user-1", b), b),
            (new Click("user-2", b + 100), b + 100),
            (new Click("user-1", b + 5_000), b + 5_000),
        ];
        var source = new BoundedListSource<Click>([input], chunk: 1) { GateAt = 2, Gated = [0] };
        var output = new ConcurrentQueue<string>();
        var job = StreamJobBuilder.Create("punctuated-hops")
            .FromSource("clicks", source, BoundedJobs.PerRecordWatermarks)
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(Aggregates.Count<Click>(), (user, window, count) => $"{window.Start}|{count}"))
            .KeyBy(r => r.Split('|')[0])
            .Process("sum", () => WindowOperators.For<string, string>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(Aggregates.Sum<string>(r => long.Parse(r.Split('|')[1], System.Globalization.CultureInfo.InvariantCulture)), (start, window, sum) => $"{start}|{sum}"))
            .To(new QueueSink<string>(output))
            .Build();
        var system = await ActorFlowCluster.StartNodeAsync("punctuated-hops", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var running = await JobRunner.StartAsync(system, job);
            // Both first records dispatched (the watermark of user-2's record is in force), before the third is read.
            await Poll.UntilAsync(() => running.CurrentWatermark == b + 100 - 1_001, TimeSpan.FromSeconds(30));
            source.Gate.TrySetResult();
            var summary = await running.Completion.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(0, summary.LateRecords);
            Assert.Equal([$"{b}|2", $"{b + 5_000}|1"], output.Order(StringComparer.Ordinal));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    private static SourceRecord<string> Record(long offset, long timestamp) => new("v", timestamp, P0, offset);

    /// <summary>The watermark is the record's timestamp, emitted with every record.</summary>
    private sealed class AtEveryRecord : IWatermarkGenerator<string>
    {
        public void OnEvent(string value, long eventTimestamp, IWatermarkOutput output) => output.EmitWatermark(eventTimestamp);

        public void OnPeriodicEmit(IWatermarkOutput output)
        {
        }
    }
}
