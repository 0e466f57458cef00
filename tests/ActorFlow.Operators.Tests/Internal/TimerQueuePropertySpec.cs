using System.Buffers;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;
using FsCheck.Xunit;

namespace ActorFlow.Operators.Tests.Internal;

/// <summary>Property tests of the timer queue against a plain model: live timers fire in (time, registration) order.</summary>
public sealed class TimerQueuePropertySpec
{
    /// <summary>Verify that random registrations, deletions and advances fire exactly the live timers, in (time, registration) order, also across a snapshot.</summary>
    [Property(MaxTest = 200)]
    public void The_timer_queue_must_fire_live_timers_in_order(int[] raw, ushort cutChoice)
    {
        var queue = new TimerQueue<long>();
        var model = new Dictionary<(long Key, long Time), long>();
        long sequence = 0;
        var cut = raw.Length == 0 ? 0 : cutChoice % raw.Length;
        for (var i = 0; i < raw.Length; i++)
        {
            if (i == cut)
            {
                queue = RoundTrip(queue);
            }

            var u = (uint)raw[i];
            long key = (u >> 2) & 7;
            long time = (u >> 5) % 50;
            switch (u & 3)
            {
                case 0:
                case 1:
                    var added = model.TryAdd((key, time), sequence);
                    Assert.Equal(added, queue.Register(key, StateNamespace.None, time));
                    if (added)
                    {
                        sequence++;
                    }

                    break;
                case 2:
                    Assert.Equal(model.Remove((key, time)), queue.Delete(key, StateNamespace.None, time));
                    break;
                default:
                    var upTo = (long)((u >> 8) % 50);
                    var expected = model.Where(kv => kv.Key.Time <= upTo).OrderBy(kv => kv.Key.Time).ThenBy(kv => kv.Value).Select(kv => kv.Key).ToList();
                    var fired = new List<(long, long)>();
                    while (queue.TryDequeue(upTo, out var timer))
                    {
                        fired.Add((timer.Key, timer.Timestamp));
                    }

                    Assert.Equal(expected, fired);
                    foreach (var k in expected)
                    {
                        model.Remove(k);
                    }

                    break;
            }

            Assert.Equal(model.Count, queue.Count);
            var next = model.Count == 0 ? (long?)null : model.Keys.Min(k => k.Time);
            Assert.Equal(next, queue.TryPeekTime(out var t) ? t : null);
        }
    }

    private static TimerQueue<long> RoundTrip(TimerQueue<long> queue)
    {
        var buffer = new ArrayBufferWriter<byte>();
        queue.Snapshot(new StateWriter(buffer), Serializers.Int64);
        var restored = new TimerQueue<long>();
        var reader = new StateReader(buffer.WrittenSpan);
        restored.Restore(ref reader, Serializers.Int64);
        return restored;
    }
}
