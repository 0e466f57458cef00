using System.Runtime.InteropServices;

namespace ActorFlow.Kafka.Producer.Internal;

/// <summary>
/// INTERNAL API. Counts delivery reports for a producer stage and wakes the stage once the count reaches a target
/// the stage set while it waits. Written on librdkafka's delivery thread for every report, so it sits on its own
/// cache line: the stage's per-record fields never share a line with it, and the stage reads the count only when
/// its produce credit runs out.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 192)]
internal sealed class DeliveryCounter
{
    [FieldOffset(64)]
    private long _delivered;

    [FieldOffset(72)]
    private long _wakeAt;

    [FieldOffset(80)]
    private int _waiting;

    /// <summary>Delivery reports received so far (successful or not).</summary>
    public long Delivered => Volatile.Read(ref _delivered);

    /// <summary>
    /// Called by the stage: asks to be woken once <see cref="Delivered"/> reaches <paramref name="target"/>. Returns
    /// true when it already has (the stage then re-evaluates at once and no wake-up is pending); false when a report
    /// will wake it (<see cref="OnReport"/> returns true exactly once for this wait).
    /// </summary>
    public bool AwaitOrReached(long target)
    {
        Volatile.Write(ref _wakeAt, target);
        Interlocked.Exchange(ref _waiting, 1); // full fence: the read below cannot move before the announcement
        return Volatile.Read(ref _delivered) >= target && Interlocked.Exchange(ref _waiting, 0) == 1;
    }

    /// <summary>Called for every delivery report; true when the caller must wake the waiting stage.</summary>
    public bool OnReport()
    {
        var delivered = Interlocked.Increment(ref _delivered); // full fence, pairs with the one in AwaitOrReached
        return Volatile.Read(ref _waiting) == 1 && delivered >= Volatile.Read(ref _wakeAt) && Interlocked.Exchange(ref _waiting, 0) == 1;
    }
}
