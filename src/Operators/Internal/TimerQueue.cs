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
/// Timers of one time domain: a priority queue ordered by (time, registration sequence) plus a dictionary
/// of live timers (deduplication and O(1) deletion; deleted timers leave stale queue entries that are
/// skipped). The sequence number makes the firing order total, and it is part of the snapshot, so a
/// restored operator fires timers in exactly the order the original would have.
/// </summary>
internal sealed class TimerQueue<TKey>
{
    private readonly Dictionary<TimerKey<TKey>, long> _live = new();
    private readonly PriorityQueue<TimerKey<TKey>, TimerPriority> _queue = new();
    private long _nextSequence;

    public int Count => _live.Count;

    public bool Register(TKey key, TimeWindow ns, long time)
    {
        var timer = new TimerKey<TKey>(key, ns, time);
        if (!_live.TryAdd(timer, _nextSequence))
        {
            return false;
        }

        _queue.Enqueue(timer, new TimerPriority(time, _nextSequence));
        _nextSequence++;
        return true;
    }

    public bool Delete(TKey key, TimeWindow ns, long time) => _live.Remove(new TimerKey<TKey>(key, ns, time));

    public bool Contains(TKey key, TimeWindow ns, long time) => _live.ContainsKey(new TimerKey<TKey>(key, ns, time));

    public bool TryPeekTime(out long time)
    {
        while (_queue.TryPeek(out var timer, out var priority))
        {
            if (_live.TryGetValue(timer, out var seq) && seq == priority.Sequence)
            {
                time = priority.Timestamp;
                return true;
            }

            _queue.Dequeue();
        }

        time = 0;
        return false;
    }

    /// <summary>Removes and returns the earliest live timer whose time is at most <paramref name="upTo"/>.</summary>
    public bool TryDequeue(long upTo, out TimerKey<TKey> timer)
    {
        while (_queue.TryPeek(out var head, out var priority))
        {
            if (priority.Timestamp > upTo)
            {
                // stale heads beyond upTo are skipped by later calls
                break;
            }

            _queue.Dequeue();
            if (_live.Remove(head, out var seq))
            {
                if (seq == priority.Sequence)
                {
                    timer = head;
                    return true;
                }

                _live.Add(head, seq); // a stale copy of a timer registered again later: keep the live one
            }
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
        _live.Clear();
        _queue.Clear();
        _nextSequence = reader.ReadInt64();
        var count = reader.ReadInt32();
        for (var i = 0; i < count; i++)
        {
            var key = keySerializer.Read(ref reader);
            var start = reader.ReadInt64();
            var end = reader.ReadInt64();
            var time = reader.ReadInt64();
            var seq = reader.ReadInt64();
            var timer = new TimerKey<TKey>(key, new TimeWindow(start, end), time);
            _live.Add(timer, seq);
            _queue.Enqueue(timer, new TimerPriority(time, seq));
        }
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
