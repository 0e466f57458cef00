using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Hands the records of an epoch from the sink side of the stream (which sees the barrier of
/// checkpoint n after every record emitted before it) to the checkpoint coordinator, which stores them in record n.
/// Records of a failed checkpoint are carried into the next epoch, so none is lost. Once the sink side has ended (the
/// run's stream completed or failed) no barrier can arrive any more: an epoch still awaited then fails at once.
/// </summary>
internal sealed class EpochHandoff
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<IReadOnlyList<byte[]>>> _epochs = new();
    private readonly object _carryLock = new();
    private readonly HashSet<long> _aborted = [];
    private List<byte[]> _carry = [];
    private bool _ended;
    private Exception? _cause;

    /// <summary>The sink side: the barrier of <paramref name="checkpointId"/> arrived after <paramref name="records"/>.</summary>
    public void Provide(long checkpointId, List<byte[]> records)
    {
        lock (_carryLock)
        {
            var payload = _carry.Count == 0 ? records : [.. _carry, .. records];
            if (_aborted.Remove(checkpointId))
            {
                // The checkpoint failed before its barrier got here: its records join the next epoch.
                _carry = payload;
                return;
            }

            _carry = [];
            Slot(checkpointId).TrySetResult(payload);
        }
    }

    /// <summary>
    /// The sink side could not prepare checkpoint <paramref name="checkpointId"/> (its destination failed): the
    /// checkpoint fails with <paramref name="cause"/>.
    /// </summary>
    public void Fail(long checkpointId, Exception cause)
    {
        lock (_carryLock)
        {
            Slot(checkpointId).TrySetException(cause);
        }
    }

    /// <summary>
    /// The coordinator: waits for epoch <paramref name="checkpointId"/>'s records, at most <paramref name="timeout"/>
    /// or until <paramref name="cancellationToken"/> is cancelled; fails at once when the sink side has ended before
    /// the epoch's barrier reached it (see <see cref="End"/>).
    /// </summary>
    public async Task<IReadOnlyList<byte[]>> TakeAsync(long checkpointId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<IReadOnlyList<byte[]>> slot;
        bool ended;
        Exception? cause;
        lock (_carryLock)
        {
            slot = Slot(checkpointId);
            ended = _ended;
            cause = _cause;
        }

        if (ended)
        {
            slot.TrySetException(Ended(checkpointId, cause)); // a barrier that arrived before the end was handed over already
        }

        try
        {
            var records = await slot.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
            _epochs.TryRemove(checkpointId, out _);
            return records;
        }
        catch
        {
            GiveUp(checkpointId, slot);
            throw;
        }
    }

    /// <summary>
    /// The coordinator: checkpoint <paramref name="checkpointId"/> failed; its records join the next epoch. That holds
    /// also when they have not arrived yet (a key group's snapshot can fail before the barrier reaches the sinks).
    /// </summary>
    public void Return(long checkpointId, IReadOnlyList<byte[]>? records)
    {
        lock (_carryLock)
        {
            if (records is null)
            {
                if (_epochs.TryRemove(checkpointId, out var slot) && slot.Task.IsCompletedSuccessfully)
                {
                    records = slot.Task.Result;
                }
                else
                {
                    _aborted.Add(checkpointId); // Provide carries them over when they come
                }
            }

            if (records is { Count: > 0 })
            {
                _carry = [.. records, .. _carry];
            }
        }
    }

    /// <summary>
    /// The sink side has ended (the run's stream completed or failed): no barrier reaches it any more. Every epoch
    /// still awaited, and every one asked for later, fails at once instead of waiting out the checkpoint timeout (a
    /// checkpoint whose key groups all acknowledged while the batch before its barrier failed would otherwise hold
    /// its requester for that long). <paramref name="cause"/>, when given, is why the sink side ended (e.g. the
    /// destination could not be written): the failed checkpoints name it.
    /// </summary>
    public void End(Exception? cause = null)
    {
        List<(long Id, TaskCompletionSource<IReadOnlyList<byte[]>> Slot)> waiting;
        lock (_carryLock)
        {
            _ended = true;
            _cause = cause;
            waiting = [.. _epochs.Select(e => (e.Key, e.Value))];
        }

        foreach (var (id, slot) in waiting)
        {
            slot.TrySetException(Ended(id, cause));
        }
    }

    /// <summary>Length-prefixed concatenation, stored in the checkpoint record.</summary>
    public static string Pack(IReadOnlyList<byte[]> records)
    {
        var size = 4 + records.Sum(r => 4 + r.Length);
        var bytes = new byte[size];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, records.Count);
        var at = 4;
        foreach (var r in records)
        {
            BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(at), r.Length);
            r.CopyTo(bytes, at + 4);
            at += 4 + r.Length;
        }

        return Convert.ToBase64String(bytes);
    }

    public static IReadOnlyList<byte[]> Unpack(string packed)
    {
        var bytes = Convert.FromBase64String(packed);
        var count = BinaryPrimitives.ReadInt32LittleEndian(bytes);
        var records = new List<byte[]>(count);
        var at = 4;
        for (var i = 0; i < count; i++)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(at));
            records.Add(bytes.AsSpan(at + 4, length).ToArray());
            at += 4 + length;
        }

        return records;
    }

    /// <summary>
    /// The coordinator stopped waiting for epoch <paramref name="checkpointId"/> (timeout, cancellation, the sink side's
    /// failure). Its slot goes under the lock that <see cref="Provide"/> holds, so a barrier arriving meanwhile either
    /// finds the slot gone (and <see cref="Return"/>, which follows the failure, carries its records over) or has filled
    /// it: those records join the next epoch here.
    /// </summary>
    private void GiveUp(long checkpointId, TaskCompletionSource<IReadOnlyList<byte[]>> slot)
    {
        lock (_carryLock)
        {
            if (_epochs.TryRemove(new KeyValuePair<long, TaskCompletionSource<IReadOnlyList<byte[]>>>(checkpointId, slot))
                && slot.Task.IsCompletedSuccessfully
                && slot.Task.Result.Count > 0)
            {
                _carry = [.. slot.Task.Result, .. _carry];
            }
        }
    }

    private static InvalidOperationException Ended(long checkpointId, Exception? cause) => cause is null
        ? new($"the run ended before the barrier of checkpoint {checkpointId} reached the sink")
        : new($"the sink failed before the barrier of checkpoint {checkpointId} reached it: {cause.Message}", cause);

    private TaskCompletionSource<IReadOnlyList<byte[]>> Slot(long id) =>
        _epochs.GetOrAdd(id, _ => new TaskCompletionSource<IReadOnlyList<byte[]>>(TaskCreationOptions.RunContinuationsAsynchronously));
}
