using System.Runtime.InteropServices;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>A timer: key, namespace (window, or <see cref="StateNamespace.None"/>) and time.</summary>
internal readonly record struct TimerKey<TKey>(TKey Key, TimeWindow Namespace, long Timestamp)
{
    public bool Equals(TimerKey<TKey> other) =>
        Timestamp == other.Timestamp && Namespace.Start == other.Namespace.Start && Namespace.End == other.Namespace.End
        && EqualityComparer<TKey>.Default.Equals(Key, other.Key);

    public override int GetHashCode() => KeyHash.Mix(EqualityComparer<TKey>.Default.GetHashCode(Key!), Namespace.Start, Namespace.End, Timestamp);
}

/// <summary>
/// Timers of one time domain, for all keys: a dictionary of live timers (deduplication, O(1) deletion) plus
/// FIFO buckets of timers per distinct time, with a small priority queue of the bucket times. Many timers
/// share a time (every key's window ends at the same instant), so the heap stays small and cache-resident.
/// Bucket entries live in one pooled slot array (linked lists), so a steady stream of timers allocates
/// nothing. Each registration gets a sequence number and a bucket keeps registration order; deleted timers
/// leave stale entries that are skipped. The firing order, (time, sequence), is deterministic and the
/// sequence numbers are snapshotted, so a restored operator fires timers in exactly the original order.
/// </summary>
internal sealed class TimerQueue<TKey>
{
    private readonly Dictionary<TimerKey<TKey>, long> _live = new();
    private readonly Dictionary<long, Bucket> _buckets = new();
    private readonly PriorityQueue<long, long> _times = new();
    private Slot[] _slots = new Slot[64];
    private int _slotsUsed;
    private int _freeSlot = -1;
    private long _nextSequence;

    public int Count => _live.Count;

    /// <summary>
    /// Gets or sets a value indicating whether registrations are ignored: while the end of the input fires every
    /// event-time timer (<see cref="Watermark.EndOfInput"/>), one registered by a firing one (a process function that
    /// re-arms <c>timestamp + 60 s</c>, a continuous trigger) would fire at once again, without end. As Flink's batch-mode
    /// timer service, which is "quiesced" then, such timers are dropped: every timer registered before the end fires
    /// once. The processing-time queue is quiesced only when batch mode fires every processing-time timer at the end
    /// (<see cref="IEndsProcessingTime{TOut}"/>); in streaming mode the end fires none, and one registered then stays, for
    /// the final snapshot. Not snapshotted: a restored operator starts event time again (<see cref="Watermark.Restored"/>).
    /// </summary>
    public bool Quiesced { get; set; }

    public bool Register(TKey key, TimeWindow ns, long time)
    {
        if (Quiesced)
        {
            return false;
        }

        var timer = new TimerKey<TKey>(key, ns, time);
        if (!_live.TryAdd(timer, _nextSequence))
        {
            return false;
        }

        Append(timer, _nextSequence);
        _nextSequence++;
        return true;
    }

    public bool Delete(TKey key, TimeWindow ns, long time) => _live.Count != 0 && _live.Remove(new TimerKey<TKey>(key, ns, time));

    public bool Contains(TKey key, TimeWindow ns, long time) => _live.ContainsKey(new TimerKey<TKey>(key, ns, time));

    /// <summary>The times of the live timers of <paramref name="key"/> (any namespace), ascending (for inspection in tests).</summary>
    public IReadOnlyList<long> TimesOf(TKey key)
    {
        var times = new List<long>();
        foreach (var timer in _live.Keys)
        {
            if (EqualityComparer<TKey>.Default.Equals(timer.Key, key))
            {
                times.Add(timer.Timestamp);
            }
        }

        times.Sort();
        return times;
    }

    public bool TryPeekTime(out long time)
    {
        while (_times.TryPeek(out var t, out _))
        {
            ref var bucket = ref CollectionsMarshal.GetValueRefOrNullRef(_buckets, t);
            while (bucket.Head >= 0)
            {
                ref var head = ref _slots[bucket.Head];
                if (_live.TryGetValue(head.Timer, out var seq) && seq == head.Sequence)
                {
                    time = t;
                    return true;
                }

                PopHead(ref bucket);
            }

            _times.Dequeue();
            _buckets.Remove(t);
        }

        time = 0;
        return false;
    }

    /// <summary>Removes and returns the next live timer whose time is at most <paramref name="upTo"/>.</summary>
    public bool TryDequeue(long upTo, out TimerKey<TKey> timer)
    {
        while (_times.TryPeek(out var t, out _) && t <= upTo)
        {
            ref var bucket = ref CollectionsMarshal.GetValueRefOrNullRef(_buckets, t);
            while (bucket.Head >= 0)
            {
                var (head, sequence) = PopHead(ref bucket);
                if (_live.Remove(head, out var seq))
                {
                    if (seq == sequence)
                    {
                        timer = head;
                        return true;
                    }

                    _live.Add(head, seq); // a stale copy of a timer registered again later: keep the live one
                }
            }

            _times.Dequeue();
            _buckets.Remove(t);
        }

        timer = default;
        return false;
    }

    public void Snapshot(StateWriter writer, ITypeSerializer<TKey> keySerializer)
    {
        writer.WriteInt64(_nextSequence);
        writer.WriteInt32(_live.Count);
        foreach (var (timer, seq) in _live)
        {
            keySerializer.Write(writer, timer.Key);
            writer.WriteInt64(timer.Namespace.Start);
            writer.WriteInt64(timer.Namespace.End);
            writer.WriteInt64(timer.Timestamp);
            writer.WriteInt64(seq);
        }
    }

    public void Restore(ref StateReader reader, ITypeSerializer<TKey> keySerializer)
    {
        Quiesced = false;
        _live.Clear();
        _buckets.Clear();
        _times.Clear();
        Array.Clear(_slots);
        _slotsUsed = 0;
        _freeSlot = -1;
        _nextSequence = reader.ReadInt64();
        var count = reader.ReadInt32();
        var timers = new List<(TimerKey<TKey> Timer, long Sequence)>(count);
        for (var i = 0; i < count; i++)
        {
            var key = keySerializer.Read(ref reader);
            var start = reader.ReadInt64();
            var end = reader.ReadInt64();
            var time = reader.ReadInt64();
            var seq = reader.ReadInt64();
            timers.Add((new TimerKey<TKey>(key, new TimeWindow(start, end), time), seq));
        }

        timers.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        foreach (var (timer, seq) in timers)
        {
            _live.Add(timer, seq);
            Append(timer, seq);
        }
    }

    private void Append(TimerKey<TKey> timer, long sequence)
    {
        var slot = AllocateSlot();
        _slots[slot] = new Slot { Timer = timer, Sequence = sequence, Next = -1 };
        ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(_buckets, timer.Timestamp, out var exists);
        if (!exists || bucket.Head < 0)
        {
            if (!exists)
            {
                _times.Enqueue(timer.Timestamp, timer.Timestamp);
            }

            bucket.Head = slot;
        }
        else
        {
            _slots[bucket.Tail].Next = slot;
        }

        bucket.Tail = slot;
    }

    private (TimerKey<TKey> Timer, long Sequence) PopHead(ref Bucket bucket)
    {
        var index = bucket.Head;
        ref var slot = ref _slots[index];
        var item = (slot.Timer, slot.Sequence);
        bucket.Head = slot.Next;
        slot = new Slot { Next = _freeSlot };
        _freeSlot = index;
        return item;
    }

    private int AllocateSlot()
    {
        if (_freeSlot >= 0)
        {
            var slot = _freeSlot;
            _freeSlot = _slots[slot].Next;
            return slot;
        }

        if (_slotsUsed == _slots.Length)
        {
            Array.Resize(ref _slots, _slots.Length * 2);
        }

        return _slotsUsed++;
    }

    private struct Slot
    {
        public TimerKey<TKey> Timer;
        public long Sequence;
        public int Next;
    }

    private struct Bucket
    {
        public int Head;
        public int Tail;
    }
}

/// <summary>Timer order: time, then registration sequence (a value type with IComparable, so PriorityQueue devirtualizes it).</summary>
internal readonly record struct TimerPriority(long Timestamp, long Sequence) : IComparable<TimerPriority>
{
    public int CompareTo(TimerPriority other)
    {
        var c = Timestamp.CompareTo(other.Timestamp);
        return c != 0 ? c : Sequence.CompareTo(other.Sequence);
    }
}
