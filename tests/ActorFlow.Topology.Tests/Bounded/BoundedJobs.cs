using System.Globalization;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Bounded;

/// <summary>Input and reference computations shared by the bounded-run specs.</summary>
internal static class BoundedJobs
{
    public const long Base = 1_700_000_000_000;

    /// <summary>Clicks of 20 users over <paramref name="partitions"/> partitions, out of order by up to 400 ms.</summary>
    public static List<List<(Click Value, long Time)>> Clicks(int count, int partitions, int seed = 7)
    {
        var random = new Random(seed);
        var all = Enumerable.Range(0, count)
            .Select(i => new Click("user-" + (i % 20).ToString(CultureInfo.InvariantCulture), Base + (i * 5) + random.Next(-400, 400)))
            .ToList();
        return [.. Enumerable.Range(0, partitions).Select(p => all.Where((_, i) => i % partitions == p).Select(c => (c, c.Time)).ToList())];
    }

    /// <summary>"user|windowStart|count" per one-second tumbling window, as <see cref="Label"/> writes them.</summary>
    public static List<string> WindowCounts(IEnumerable<Click> clicks) =>
        [.. clicks
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .Select(g => $"{g.Key.User}|{g.Key.Start}|{g.Count()}")
            .Order(StringComparer.Ordinal)];

    public static WatermarkStrategy<Click> Watermarks => WatermarkStrategy<Click>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithTimestampAssigner((c, _) => c.Time);

    /// <summary>Bounded out-of-orderness of 1 s, emitted with every record (punctuated, in <c>OnEvent</c>), not on the periodic tick.</summary>
    public static WatermarkStrategy<Click> PerRecordWatermarks => WatermarkStrategy<Click>.ForGenerator(() => new PerRecord()).WithTimestampAssigner((c, _) => c.Time);

    /// <summary>A keyed one-second tumbling count per user (watermarks: <see cref="Watermarks"/> unless given).</summary>
    public static StreamJob WindowedCount(string name, ISourceConnector<Click> source, ISinkConnector<string> sink, WatermarkStrategy<Click>? watermarks = null) =>
        StreamJobBuilder.Create(name)
            .FromSource("clicks", source, watermarks ?? Watermarks)
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            .To(sink)
            .Build();

    private sealed class PerRecord : IWatermarkGenerator<Click>
    {
        private long _max = long.MinValue;

        public void OnEvent(Click value, long eventTimestamp, IWatermarkOutput output)
        {
            _max = Math.Max(_max, eventTimestamp);
            output.EmitWatermark(_max - 1_001);
        }

        public void OnPeriodicEmit(IWatermarkOutput output)
        {
        }
    }
}
