using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime.Internal;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Topology.Tests.Bounded;

/// <summary>Unit specs of the end of a bounded source's partitions and input in <see cref="WatermarkAssigner{T}"/>.</summary>
public sealed class PartitionEndWatermarkSpec
{
    private const string P0 = "mem/0";
    private const string P1 = "mem/1";
    private static readonly WatermarkStrategy<string> Strategy = WatermarkStrategy<string>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1));
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));

    /// <summary>
    /// Verify that a partition whose input ended stops holding the combined watermark back (it follows the partitions
    /// still reading), that the watermark reaches <c>Watermark.EndOfInput</c> only at the end of the whole input, and
    /// that only that tick counts as the end of input.
    /// </summary>
    [Fact]
    public void An_ended_partition_must_not_hold_the_watermark_back_and_only_the_end_of_input_reaches_the_end_of_time()
    {
        var assigner = new WatermarkAssigner<string>(Strategy, _time);
        assigner.OnIncoming(new Incoming<string>(P0, [new SourceRecord<string>("a", 2_000, P0, 0)]));
        assigner.OnIncoming(new Incoming<string>(P1, [new SourceRecord<string>("b", 9_000, P1, 0)]));
        Assert.Equal(999, assigner.OnIncoming(new Incoming<string>(null, null)).Watermark); // P0 holds it back

        var p0Ended = assigner.OnIncoming(new Incoming<string>(P0, null, End: true));
        Assert.Equal(7_999, p0Ended.Watermark); // P1's watermark now
        Assert.False(p0Ended.IsEndOfInput);

        var p1Ended = assigner.OnIncoming(new Incoming<string>(P1, null, End: true));
        Assert.False(p1Ended.IsEndOfInput); // every partition ended, but the partition set may still grow

        var end = assigner.OnIncoming(new Incoming<string>(null, null, End: true));
        Assert.True(end.IsEndOfInput);
        Assert.Equal(Operators.Watermark.EndOfInput, end.Watermark);
    }
}
