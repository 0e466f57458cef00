using Akka.Actor;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Sends the key-group batches of a dispatcher and collects their replies through one reply address for
/// the dispatcher's life (a temporary actor as an ask's, registered once), instead of one ask per key group and batch:
/// an ask made a temporary actor, its path, a timeout registration, a task and an async state machine for every
/// ~8 records (at 1,000 records over 128 key groups), about 190 B per record of the keyed path. The semantics are the
/// asks': a batch not answered within <see cref="JobRunnerOptions.AskTimeout"/> is sent again with the same sequence
/// number (the key group applies it once and answers with the stored reply), up to
/// <see cref="JobRunnerOptions.AskAttempts"/> sends; then the dispatch fails with an <see cref="AskTimeoutException"/>.
/// A <see cref="KeyGroupStateLost"/> answer fails it with a <see cref="KeyGroupStateLostException"/>. Replies match
/// their batch by key group and sequence number (which grow per key group within one dispatcher); a late one, to a
/// batch already answered or given up, is dropped, as an ask's would be.
/// </summary>
internal sealed class KeyGroupReplies : MinimalActorRef
{
    private readonly IActorRef _region;
    private readonly string _jobName;
    private readonly TimeSpan _timeout;
    private readonly int _attempts;
    private readonly IActorRefProvider _provider;
    private readonly ActorPath _path;
    private readonly Lock _gate = new();
    private readonly Dictionary<(int KeyGroup, long Sequence), (Dispatch Dispatch, int Index)> _waiting = [];
    private bool _closed;

    public KeyGroupReplies(IActorRef region, string jobName, JobRunnerOptions options)
    {
        _region = region;
        _jobName = jobName;
        _timeout = options.AskTimeout;
        _attempts = options.AskAttempts;
        _provider = region is IInternalActorRef internalRef
            ? internalRef.Provider
            : throw new ArgumentException($"The shard region of job '{jobName}' is not a local actor reference ({region.GetType().Name}).", nameof(region));
        _path = _provider.TempPath();
        _provider.RegisterTempActor(this, _path);
    }

    public override ActorPath Path => _path;

    public override IActorRefProvider Provider => _provider;

    /// <summary>
    /// Sends <paramref name="batches"/> (in this order, synchronously: what the caller sends next follows them) and
    /// returns their replies in the same order once every one is answered.
    /// </summary>
    public Task<KeyGroupReply[]> SendAsync(KeyGroupBatch[] batches)
    {
        if (batches.Length == 0)
        {
            return Task.FromResult(Array.Empty<KeyGroupReply>());
        }

        var dispatch = new Dispatch(this, batches);
        lock (_gate)
        {
            for (var i = 0; i < batches.Length; i++)
            {
                _waiting.Add((batches[i].KeyGroup, batches[i].Sequence), (dispatch, i));
            }
        }

        foreach (var batch in batches)
        {
            _region.Tell(batch, this);
        }

        lock (_gate)
        {
            if (dispatch.Remaining > 0 && !dispatch.Task.IsCompleted)
            {
                dispatch.Timer = new Timer(static state => ((Dispatch)state!).OnTimeout(), dispatch, _timeout, Timeout.InfiniteTimeSpan);
            }
        }

        return dispatch.Task;
    }

    /// <summary>The dispatcher's run ended: no more resends, and the reply address goes (late replies go to dead letters).</summary>
    public void Close()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            foreach (var (dispatch, _) in _waiting.Values)
            {
                dispatch.Timer?.Dispose();
            }
        }

        _provider.UnregisterTempActor(_path);
    }

    protected override void TellInternal(object message, IActorRef sender)
    {
        switch (message)
        {
            case KeyGroupReply reply:
                Answer(reply.KeyGroup, reply.Sequence, reply, null);
                break;
            case KeyGroupStateLost lost:
                Answer(lost.KeyGroup, lost.Sequence, null, new KeyGroupStateLostException(_jobName, lost.KeyGroup, lost.Reason));
                break;
            default:
                // Not an answer to a batch (which batch it would fail cannot be told): unanswered batches time out.
                break;
        }
    }

    private void Answer(int keyGroup, long sequence, KeyGroupReply? reply, Exception? error)
    {
        Dispatch dispatch;
        bool done;
        lock (_gate)
        {
            if (!_waiting.Remove((keyGroup, sequence), out var slot))
            {
                return; // a second answer to a retried batch, or one to a dispatch that failed already
            }

            dispatch = slot.Dispatch;
            if (error is not null)
            {
                Forget(dispatch);
                done = true;
            }
            else
            {
                dispatch.Replies[slot.Index] = reply!;
                done = --dispatch.Remaining == 0;
            }

            if (done)
            {
                dispatch.Timer?.Dispose();
            }
        }

        if (error is not null)
        {
            dispatch.TrySetException(error);
        }
        else if (done)
        {
            dispatch.TrySetResult(dispatch.Replies);
        }
    }

    private void OnTimeout(Dispatch dispatch)
    {
        List<KeyGroupBatch> again = [];
        KeyGroupBatch? late = null;
        lock (_gate)
        {
            if (dispatch.Remaining == 0 || dispatch.Task.IsCompleted || _closed)
            {
                return;
            }

            for (var i = 0; i < dispatch.Batches.Length; i++)
            {
                if (dispatch.Replies[i] is null)
                {
                    again.Add(dispatch.Batches[i]);
                }
            }

            if (dispatch.Attempts >= _attempts)
            {
                late = again[0];
                Forget(dispatch);
                dispatch.Timer?.Dispose();
            }
            else
            {
                dispatch.Attempts++;
            }
        }

        if (late is not null)
        {
            dispatch.TrySetException(new AskTimeoutException(
                $"Key group {late.KeyGroup} of job '{_jobName}' did not answer batch {late.Sequence} within {_timeout} ({_attempts} attempt(s)); {again.Count} key group(s) of the dispatch did not answer."));
            return;
        }

        foreach (var batch in again)
        {
            // The same sequence number: a key group that applied it already answers with the stored reply.
            _region.Tell(batch, this);
        }

        lock (_gate)
        {
            if (dispatch.Remaining > 0 && !dispatch.Task.IsCompleted && !_closed)
            {
                dispatch.Timer?.Change(_timeout, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>Stops waiting for the unanswered batches of <paramref name="dispatch"/> (under the lock).</summary>
    private void Forget(Dispatch dispatch)
    {
        for (var i = 0; i < dispatch.Batches.Length; i++)
        {
            if (dispatch.Replies[i] is null)
            {
                _waiting.Remove((dispatch.Batches[i].KeyGroup, dispatch.Batches[i].Sequence));
            }
        }

        dispatch.Remaining = 0;
    }

    /// <summary>The batches of one dispatch, their replies so far, and its timer.</summary>
    private sealed class Dispatch(KeyGroupReplies owner, KeyGroupBatch[] batches) : TaskCompletionSource<KeyGroupReply[]>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public KeyGroupBatch[] Batches { get; } = batches;

        /// <summary>The replies by batch position; null until answered.</summary>
        public KeyGroupReply[] Replies { get; } = new KeyGroupReply[batches.Length];

        public int Remaining { get; set; } = batches.Length;

        public int Attempts { get; set; } = 1;

        public Timer? Timer { get; set; }

        public void OnTimeout() => owner.OnTimeout(this);
    }
}
