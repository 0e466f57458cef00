using System.Buffers;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>Snapshot layout: header, times and counters, both timer queues, window entries, sessions, keyed state.</summary>
internal sealed partial class WindowOperator<TKey, TIn, TState, TOut>
{
    public void Snapshot(IBufferWriter<byte> writer)
    {
        RegisterDeferred(); // a snapshot holds every timer
        var w = new StateWriter(writer);
        SnapshotFormat.WriteHeader(w, SnapshotFormat.WindowOperator);
        w.WriteInt64(CurrentWatermark);
        w.WriteInt64(_lastProcessingTime);
        w.WriteInt64(LateRecordCount);
        w.WriteInt64(RejectedRecordCount);
        _eventTimers.Snapshot(w, _keySerializer);
        _processingTimers.Snapshot(w, _keySerializer);
        w.WriteInt32(_windows.Count);
        foreach (var (key, entry) in _windows.Entries())
        {
            _keySerializer.Write(w, key.Key);
            w.WriteInt64(key.Namespace.Start);
            w.WriteInt64(key.Namespace.End);
            w.WriteBoolean(entry.HasContents);
            if (entry.HasContents)
            {
                _contents.Serializer.Write(w, entry.State);
            }

            w.WriteBoolean(entry.HasTriggerState);
            w.WriteInt64(entry.TriggerState);
        }

        w.WriteInt32(_sessions?.Count ?? 0);
        if (_sessions is not null)
        {
            foreach (var (key, sessions) in _sessions)
            {
                _keySerializer.Write(w, key);
                w.WriteInt32(sessions.Count);
                foreach (var session in sessions)
                {
                    w.WriteInt64(session.Start);
                    w.WriteInt64(session.End);
                }
            }
        }

        _state.Snapshot(w);
    }

    public void Restore(ReadOnlySpan<byte> state)
    {
        var r = new StateReader(state);
        var version = SnapshotFormat.ReadHeader(ref r, SnapshotFormat.WindowOperator);
        CurrentWatermark = Watermark.Restored(r.ReadInt64());
        _lastProcessingTime = r.ReadInt64();
        LateRecordCount = r.ReadInt64();
        RejectedRecordCount = r.ReadInt64();
        _eventTimers.Restore(ref r, _keySerializer);
        _processingTimers.Restore(ref r, _keySerializer);
        _deferred.Clear();
        _deferredLatest = long.MinValue;
        _windows.Clear();
        var windows = r.ReadInt32();
        for (var i = 0; i < windows; i++)
        {
            var key = _keySerializer.Read(ref r);
            var start = r.ReadInt64();
            var window = new TimeWindow(start, r.ReadInt64());
            var entry = default(WindowEntry<TState>);
            entry.HasContents = r.ReadBoolean();
            if (entry.HasContents)
            {
                entry.State = _contents.Serializer.Read(ref r);
            }

            entry.HasTriggerState = r.ReadBoolean();
            entry.TriggerState = r.ReadInt64();
            _windows.Add(new StateKey<TKey>(key, window), entry);
        }

        _sessions?.Clear();
        var keys = r.ReadInt32();
        for (var i = 0; i < keys; i++)
        {
            var key = _keySerializer.Read(ref r);
            var count = r.ReadInt32();
            var sessions = new List<TimeWindow>(count);
            for (var j = 0; j < count; j++)
            {
                var start = r.ReadInt64();
                sessions.Add(new TimeWindow(start, r.ReadInt64()));
            }

            _sessions?.Add(key, sessions);
        }

        _state.Restore(ref r, legacyLayout: version == 1);
        if (r.Remaining != 0)
        {
            throw new InvalidDataException($"The window operator snapshot has {r.Remaining} unexpected trailing bytes.");
        }
    }
}
