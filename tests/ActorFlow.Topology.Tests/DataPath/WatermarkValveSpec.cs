using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Tests.DataPath;

/// <summary>
/// Unit specs of <see cref="WatermarkValve"/>, the union's watermark over sources with idleness, on the input sequences
/// of Flink's <c>StatusWatermarkValveTest</c> (a status change and a watermark as one chunk says them: an idle tick
/// carries its source's unchanged watermark, any other chunk makes its source active). Each step asserts the combined
/// watermark after it.
/// </summary>
public sealed class WatermarkValveSpec
{
    private const long Min = long.MinValue;

    /// <summary>Verify that the combined watermark is the minimum of the inputs' latest ones, once every input reported one, and never goes back.</summary>
    [Fact]
    public void A_WatermarkValve_must_follow_the_minimum_of_the_active_inputs()
    {
        var valve = new WatermarkValve(3);
        Assert.Equal(Min, valve.OnChunk(0, 0, idle: false));
        Assert.Equal(Min, valve.OnChunk(1, 0, idle: false));
        Assert.Equal(0, valve.OnChunk(2, 0, idle: false));
        Assert.Equal(0, valve.OnChunk(0, 12, idle: false));
        Assert.Equal(0, valve.OnChunk(2, 8, idle: false));
        Assert.Equal(0, valve.OnChunk(2, 10, idle: false));
        Assert.Equal(10, valve.OnChunk(1, 15, idle: false));
        Assert.Equal(12, valve.OnChunk(2, 17, idle: false));
        Assert.Equal(15, valve.OnChunk(0, 20, idle: false));
        Assert.Equal(15, valve.OnChunk(1, 4, idle: false)); // lower than its own: ignored
    }

    /// <summary>Verify that as inputs go idle one by one the minimum of the others takes over, and that the last one going idle flushes the highest watermark.</summary>
    [Fact]
    public void A_WatermarkValve_must_move_to_the_highest_watermark_when_every_input_went_idle()
    {
        var gradual = new WatermarkValve(3);
        gradual.OnChunk(0, 25, idle: false);
        gradual.OnChunk(1, 10, idle: false);
        Assert.Equal(10, gradual.OnChunk(2, 17, idle: false));
        Assert.Equal(17, gradual.OnChunk(1, 10, idle: true));
        Assert.Equal(25, gradual.OnChunk(2, 17, idle: true));

        // Idle in the other order: nothing moves until the last active input, which holds the minimum, goes idle.
        var flush = new WatermarkValve(3);
        flush.OnChunk(0, 10, idle: false);
        flush.OnChunk(1, 5, idle: false);
        Assert.Equal(3, flush.OnChunk(2, 3, idle: false));
        Assert.Equal(3, flush.OnChunk(0, 10, idle: true));
        Assert.Equal(3, flush.OnChunk(1, 5, idle: true));
        Assert.Equal(10, flush.OnChunk(2, 3, idle: true));

        // The case: B (24) goes idle before A (9); Flink's valve ends at 24, where a plain minimum stayed at 9.
        var union = new WatermarkValve(2);
        union.OnChunk(0, 9, idle: false);
        Assert.Equal(9, union.OnChunk(1, 24, idle: false));
        Assert.Equal(9, union.OnChunk(1, 24, idle: true));
        Assert.Equal(24, union.OnChunk(0, 9, idle: true));
    }

    /// <summary>Verify that an input back from idle behind the combined watermark holds nothing back until it caught up, and counts again from then on.</summary>
    [Fact]
    public void A_WatermarkValve_must_leave_an_input_back_from_idle_out_until_it_caught_up()
    {
        var valve = new WatermarkValve(3);
        valve.OnChunk(0, 10, idle: false);
        valve.OnChunk(1, 7, idle: false);
        Assert.Equal(3, valve.OnChunk(2, 3, idle: false));
        Assert.Equal(7, valve.OnChunk(2, 3, idle: true));
        Assert.Equal(7, valve.OnChunk(2, 5, idle: false)); // back, behind: unaligned
        Assert.Equal(7, valve.OnChunk(2, 9, idle: false)); // caught up: aligned again
        Assert.Equal(9, valve.OnChunk(1, 12, idle: false)); // and it counts: 9, not 10

        // A at 9 goes idle, B moves to 50, A comes back at 29: B alone moves the union on (a plain minimum stuck at 50).
        var union = new WatermarkValve(2);
        union.OnChunk(0, 9, idle: false);
        Assert.Equal(9, union.OnChunk(1, 12, idle: false));
        Assert.Equal(12, union.OnChunk(0, 9, idle: true));
        Assert.Equal(50, union.OnChunk(1, 50, idle: false));
        Assert.Equal(50, union.OnChunk(0, 29, idle: false));
        Assert.Equal(100, union.OnChunk(1, 100, idle: false));
        Assert.Equal(100, union.OnChunk(0, 120, idle: false));
        Assert.Equal(120, union.OnChunk(1, 130, idle: false));
    }

    /// <summary>Verify that an idle input's watermark does not count until it is active again, and that only unaligned active inputs move nothing.</summary>
    [Fact]
    public void A_WatermarkValve_must_ignore_an_idle_input_and_unaligned_inputs_alone()
    {
        var single = new WatermarkValve(1);
        Assert.Equal(25, single.OnChunk(0, 25, idle: false));
        Assert.Equal(25, single.OnChunk(0, 25, idle: true));
        Assert.Equal(25, single.OnChunk(0, 50, idle: true)); // idle: its watermark is not taken
        Assert.Equal(50, single.OnChunk(0, 50, idle: false));

        var valve = new WatermarkValve(3);
        valve.OnChunk(0, 10, idle: false);
        valve.OnChunk(1, 7, idle: false);
        Assert.Equal(7, valve.OnChunk(2, Min, idle: true));
        Assert.Equal(7, valve.OnChunk(2, Min, idle: false)); // active again, unaligned
        Assert.Equal(7, valve.OnChunk(0, 10, idle: true));
        Assert.Equal(7, valve.OnChunk(1, 7, idle: true)); // the only active input is unaligned: nothing moves
    }
}
