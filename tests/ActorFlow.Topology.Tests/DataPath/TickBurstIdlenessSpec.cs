using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime.Internal;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Topology.Tests.DataPath;

/// <summary>
/// Periodic ticks held up behind a busy stream (at a job's start) reach the watermark assigner in a burst; one periodic
/// emit stands for the burst. Each tick of a burst was a periodic emit, so every partition's idleness countdown started
/// within a millisecond: a partition that read records just before went idle at the same tick as one that never had
/// any, all partitions were idle at once, and the source's watermark never took the records' time (found while testing
/// a warning for a stalled watermark; Flink's periodic emits come on a timer, so its watermark moves).
/// </summary>
public sealed class TickBurstIdlenessSpec
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(200);

    /// <summary>Verify that after a burst of ticks the silent partition goes idle first and the watermark takes the other's time.</summary>
    [Fact]
    public void A_burst_of_ticks_must_not_make_every_partition_idle_at_once()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));
        var strategy = WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner((n, _) => n).WithIdleness(TimeSpan.FromMilliseconds(100));
        var assigner = new WatermarkAssigner<long>(strategy, time) { PeriodicInterval = Interval, TickClock = time };
        assigner.OnIncoming(new Incoming<long>("p/0", []));
        assigner.OnIncoming(new Incoming<long>("p/1", [])); // never gets a record
        assigner.OnIncoming(new Incoming<long>("p/0", [.. Enumerable.Range(1, 20).Select(i => new SourceRecord<long>(i, i, "p/0", i - 1))]));

        for (var burst = 0; burst < 4; burst++)
        {
            assigner.OnIncoming(new Incoming<long>(null, null));
            time.Advance(TimeSpan.FromMilliseconds(0.1));
        }

        var watermarks = new List<long>();
        for (var tick = 0; tick < 3; tick++)
        {
            time.Advance(Interval);
            watermarks.Add(assigner.OnIncoming(new Incoming<long>(null, null)).Watermark);
        }

        Assert.Equal([19L, 19, 19], watermarks);
    }
}
