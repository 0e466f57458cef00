using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Evictors;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorBuilder.evictor (no check against merging assigners; EvictingWindowOperator merges the buffers of
// merged sessions). A time evictor is used because it does not depend on the order of a merged buffer.
public sealed class FlinkMergingEvictorSpec
{
    /// <summary>Verify that sessions accept an evictor, which sees the records of a session and of sessions merged into it.</summary>
    [Fact]
    public void Sessions_must_evict_from_their_merged_buffers()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(EventTimeSessionWindows.WithGap(TimeSpan.FromSeconds(3)))
            .WithEvictor(TimeEvictor.Of(TimeSpan.FromSeconds(1)))
            .Process(new FlinkSessionWindowFunction()));
        h.Element("key2", 1, 0);
        h.Element("key2", 2, 1000);
        h.Element("key2", 4, 2500); // the session's newest: 1000 and 0 are 1 s or more older
        h.Element("key1", 1, 10);
        h.Element("key1", 2, 6000);
        h.Element("key1", 4, 5500); // kept
        h.Element("key1", 8, 3000); // bridges the two key1 sessions
        h.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal(["key1-6:10-9000@8999", "key2-4:0-5500@5499"], h.Sorted());
    }
}
