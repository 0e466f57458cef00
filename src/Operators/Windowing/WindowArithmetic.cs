namespace ActorFlow.Operators.Windowing;

/// <summary>
/// The arithmetic shared by the tumbling, sliding and session assigners of both time domains: argument checks, the aligned
/// window start, and the windows of one time. Times near the ends of the <see cref="long"/> range do not wrap: a
/// window that would start before <see cref="long.MinValue"/> starts at <see cref="long.MinValue"/>, and one that
/// would end after <see cref="long.MaxValue"/> ends at <see cref="long.MaxValue"/> (its max timestamp is then
/// <see cref="long.MaxValue"/>, so it fires at the end of the input).
/// </summary>
internal static class WindowArithmetic
{
    /// <summary>Checks a tumbling assigner's arguments.</summary>
    /// <param name="size">The window size.</param>
    /// <param name="offset">The alignment offset.</param>
    /// <returns>Size and offset in milliseconds.</returns>
    public static (long Size, long Offset) Tumbling(TimeSpan size, TimeSpan offset)
    {
        var sizeMs = RequirePositive(size, nameof(size), "tumbling window size");
        return (sizeMs, RequireOffset(offset, sizeMs, nameof(offset)));
    }

    /// <summary>Checks a sliding assigner's arguments.</summary>
    /// <param name="size">The window size.</param>
    /// <param name="slide">How often a window starts.</param>
    /// <param name="offset">The alignment offset.</param>
    /// <returns>Size, slide and offset in milliseconds.</returns>
    public static (long Size, long Slide, long Offset) Sliding(TimeSpan size, TimeSpan slide, TimeSpan offset)
    {
        var sizeMs = RequirePositive(size, nameof(size), "sliding window size");
        var slideMs = RequirePositive(slide, nameof(slide), "sliding window slide");
        return (sizeMs, slideMs, RequireOffset(offset, slideMs, nameof(offset)));
    }

    /// <summary>Checks a size, slide or gap: positive whole milliseconds.</summary>
    /// <param name="value">The value.</param>
    /// <param name="name">The argument's name.</param>
    /// <param name="what">What it is, for the message.</param>
    /// <returns>The value in milliseconds.</returns>
    public static long RequirePositive(TimeSpan value, string name, string what)
    {
        var millis = Timestamps.ToWholeMillis(value, name);
        if (millis <= 0)
        {
            throw new ArgumentException($"The {what} must be positive (at least 1 ms) but was {value}.", name);
        }

        return millis;
    }

    /// <summary>Checks an offset against a size or slide: whole milliseconds, smaller in magnitude.</summary>
    /// <param name="offset">The offset.</param>
    /// <param name="size">The size or slide (ms).</param>
    /// <param name="name">The argument's name.</param>
    /// <returns>The offset in milliseconds.</returns>
    public static long RequireOffset(TimeSpan offset, long size, string name)
    {
        var millis = Timestamps.ToWholeMillis(offset, name);
        if (Math.Abs(millis) >= size)
        {
            throw new ArgumentException($"The window offset ({millis} ms) must be smaller in magnitude than the window size or slide ({size} ms).", name);
        }

        return millis;
    }

    /// <summary>The start of the window of <paramref name="size"/> aligned to <paramref name="offset"/> that holds
    /// <paramref name="time"/>, or <see cref="long.MinValue"/> when that start lies before the range.</summary>
    /// <param name="time">Epoch ms.</param>
    /// <param name="offset">The alignment offset (ms).</param>
    /// <param name="size">The size or slide (ms, positive).</param>
    /// <returns>The window start.</returns>
    public static long StartWithOffset(long time, long offset, long size)
    {
        var start = UnclampedStart(time, offset, size);
        return start < long.MinValue ? long.MinValue : (long)start;
    }

    /// <summary>The one tumbling window that holds <paramref name="time"/> (what <see cref="AssignTumbling"/> adds).</summary>
    /// <param name="time">Epoch ms (event or processing time).</param>
    /// <param name="size">The window size (ms).</param>
    /// <param name="offset">The alignment offset (ms).</param>
    /// <returns>The window.</returns>
    public static TimeWindow TumblingWindow(long time, long size, long offset) => Window(UnclampedStart(time, offset, size), size);

    /// <summary>Adds the one tumbling window that holds <paramref name="time"/>.</summary>
    /// <param name="time">Epoch ms (event or processing time).</param>
    /// <param name="size">The window size (ms).</param>
    /// <param name="offset">The alignment offset (ms).</param>
    /// <param name="windows">Receives the window.</param>
    public static void AssignTumbling(long time, long size, long offset, List<TimeWindow> windows) =>
        windows.Add(Window(UnclampedStart(time, offset, size), size));

    /// <summary>Adds the ⌈size/slide⌉ sliding windows that hold <paramref name="time"/>, latest start first.</summary>
    /// <param name="time">Epoch ms (event or processing time).</param>
    /// <param name="size">The window size (ms).</param>
    /// <param name="slide">The slide (ms).</param>
    /// <param name="offset">The alignment offset (ms).</param>
    /// <param name="windows">Receives the windows.</param>
    public static void AssignSliding(long time, long size, long slide, long offset, List<TimeWindow> windows)
    {
        var earliest = (Int128)time - size;
        for (var start = UnclampedStart(time, offset, slide); start > earliest; start -= slide)
        {
            windows.Add(Window(start, size));
        }
    }

    /// <summary>Adds the session window [time, time + gap) of a record, its end clamped at <see cref="long.MaxValue"/>.</summary>
    /// <param name="time">Epoch ms (event or processing time).</param>
    /// <param name="gap">The session gap (ms, positive).</param>
    /// <param name="windows">Receives the window.</param>
    public static void AssignSession(long time, long gap, List<TimeWindow> windows) =>
        windows.Add(new TimeWindow(time, time > long.MaxValue - gap ? long.MaxValue : time + gap));

    private static Int128 UnclampedStart(long time, long offset, long size)
    {
        // (time - offset) mod size without computing time - offset, which can overflow
        var remainder = ((time % size) - (offset % size)) % size;
        if (remainder < 0)
        {
            remainder += size;
        }

        return (Int128)time - remainder;
    }

    private static TimeWindow Window(Int128 start, long size) => new(Clamp(start), Clamp(start + size));

    private static long Clamp(Int128 value) => value < long.MinValue ? long.MinValue : value > long.MaxValue ? long.MaxValue : (long)value;
}
