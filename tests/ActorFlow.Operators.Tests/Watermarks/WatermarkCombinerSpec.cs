using System.Buffers;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Watermarks;

namespace ActorFlow.Operators.Tests.Watermarks;

public sealed class WatermarkCombinerSpec
{
    /// <summary>Verify that the combined watermark is the minimum over the inputs.</summary>
    [Fact]
    public void A_WatermarkCombiner_must_take_the_minimum_over_inputs()
    {
        var combiner = new WatermarkCombiner(2);
        Assert.False(combiner.UpdateWatermark(0, 100));
        Assert.Equal(long.MinValue, combiner.CombinedWatermark);
        Assert.True(combiner.UpdateWatermark(1, 50));
        Assert.Equal(50, combiner.CombinedWatermark);
    }

    /// <summary>Verify that an idle input stops holding the watermark back.</summary>
    [Fact]
    public void A_WatermarkCombiner_must_ignore_idle_inputs()
    {
        var combiner = new WatermarkCombiner(2);
        combiner.UpdateWatermark(0, 100);
        combiner.UpdateWatermark(1, 10);
        Assert.True(combiner.MarkIdle(1));
        Assert.Equal(100, combiner.CombinedWatermark);
    }

    /// <summary>Verify that an input rejoining with a lower watermark does not move the combined watermark back.</summary>
    [Fact]
    public void A_WatermarkCombiner_must_not_go_back_when_an_input_rejoins()
    {
        var combiner = new WatermarkCombiner(2);
        combiner.UpdateWatermark(0, 100);
        combiner.MarkIdle(1);
        combiner.UpdateWatermark(1, 20);
        Assert.Equal(100, combiner.CombinedWatermark);
        combiner.UpdateWatermark(0, 200);
        Assert.Equal(100, combiner.CombinedWatermark);
        combiner.UpdateWatermark(1, 150);
        Assert.Equal(150, combiner.CombinedWatermark);
    }

    /// <summary>Verify that when every input is idle the combiner reports idle.</summary>
    [Fact]
    public void A_WatermarkCombiner_must_be_idle_when_all_inputs_are()
    {
        var combiner = new WatermarkCombiner(2);
        combiner.MarkIdle(0);
        combiner.MarkIdle(1);
        Assert.True(combiner.IsIdle);
        Assert.Equal(long.MinValue, combiner.CombinedWatermark);
    }

    /// <summary>Verify that the combiner's state survives a snapshot.</summary>
    [Fact]
    public void A_WatermarkCombiner_must_restore_from_a_snapshot()
    {
        var combiner = new WatermarkCombiner(3);
        combiner.UpdateWatermark(0, 5);
        combiner.UpdateWatermark(1, 7);
        combiner.MarkIdle(2);
        var buffer = new ArrayBufferWriter<byte>();
        combiner.Snapshot(new StateWriter(buffer));
        var restored = new WatermarkCombiner(1);
        var reader = new StateReader(buffer.WrittenSpan);
        restored.Restore(ref reader);
        Assert.Equal(5, restored.CombinedWatermark);
        Assert.Equal(3, restored.InputCount);
        Assert.True(restored.UpdateWatermark(0, 9));
        Assert.Equal(7, restored.CombinedWatermark);
    }
}
