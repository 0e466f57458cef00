using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Tests.Windowing;

public sealed class GlobalWindowsSpec
{
    /// <summary>Verify that every record goes to the single global window, whose max timestamp is long.MaxValue.</summary>
    [Fact]
    public void A_GlobalWindow_must_hold_every_record()
    {
        var windows = new List<TimeWindow>();
        GlobalWindows.Create().AssignWindows(-5, 0, windows);
        GlobalWindows.Create().AssignWindows(5, 0, windows);
        Assert.Equal([TimeWindow.Global, TimeWindow.Global], windows);
        Assert.Equal(long.MaxValue, TimeWindow.Global.MaxTimestamp);
    }

    /// <summary>Verify that touching windows intersect and the cover spans both (session merging rule).</summary>
    [Fact]
    public void A_TimeWindow_must_intersect_a_touching_window()
    {
        var a = new TimeWindow(0, 10);
        var b = new TimeWindow(10, 20);
        Assert.True(a.Intersects(b));
        Assert.False(a.Intersects(new TimeWindow(11, 20)));
        Assert.Equal(new TimeWindow(0, 20), a.Cover(b));
    }
}
