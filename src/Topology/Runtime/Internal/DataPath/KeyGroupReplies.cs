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
/// batch already answered or given up, is dropped, as an ask's would be. Key groups answer from their own threads at
/// once, so the batches waiting for a reply are kept in stripes by key group, each with its own lock, and a dispatch
/// counts its replies with an interlocked counter (with one lock for all of them, ~4 % of the tumbling job's CPU
/// samples were spent spinning on it on 2 cores).
/// </summary>
internal sealed class KeyGroupReplies : MinimalActorRef
{
    private const int StripeCount = 64;
    private readonly IActorRef _region;
    private readonly string _jobName;
    private readonly TimeSpan _timeout;
    private readonly int _attempts;
    private readonly IActorRefProvider _provider;
    private readonly ActorPath _path;
    private readonly Stripe[] _stripes = [.. Enumerable.Range(0, StripeCount).Select(_ => new Stripe())];
    private volatile bool _closed;

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
        for (var i = 0; i < batches.Length; i++)
        {
            var stripe = StripeOf(batches[i].KeyGroup);
            lock (stripe)
            {
                stripe.Waiting.Add((batches[i].KeyGroup, batches[i].Sequence), (dispatch, i));
            }
        }

        foreach (var batch in batches)
        {
            _region.Tell(batch, this);
        }

        lock (dispatch)
        {
            if (!dispatch.Done && !_closed)
            {
                dispatch.Timer = new Timer(static state => ((Dispatch)state!).OnTimeout(), dispatch, _timeout, Timeout.InfiniteTimeSpan);
            }
        }

        return dispatch.Task;
    }

    /// <summary>The dispatcher's run ended: no more resends, and the reply address goes (late replies go to dead letters).</summary>
    public void Close()
    {
        _closed = true;
        foreach (var stripe in _stripes)
        {
            List<Dispatch> waiting;
            lock (stripe)
            {
                waiting = [.. stripe.Waiting.Values.Select(w => w.Dispatch)];
            }

            foreach (var dispatch in waiting)
            {
                lock (dispatch)
                {
                    dispatch.Timer?.Dispose();
                }
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

    private Stripe StripeOf(int keyGroup) => _stripes[(keyGroup & int.MaxValue) % StripeCount];

    /// <summary>Stops waiting for batch <paramref name="batch"/>; false if it was not waited for (answered or given up).</summary>
    private bool Take(KeyGroupBatch batch) => Take(batch.KeyGroup, batch.Sequence, out _);

    private bool Take(int keyGroup, long sequence, out (Dispatch Dispatch, int Index) slot)
    {
        var stripe = StripeOf(keyGroup);
        lock (stripe)
        {
            return stripe.Waiting.Remove((keyGroup, sequence), out slot);
        }
    }

    private void Answer(int keyGroup, long sequence, KeyGroupReply? reply, Exception? error)
    {
        if (!Take(keyGroup, sequence, out var slot))
        {
            return; // a second answer to a retried batch, or one to a dispatch that failed already
        }

        var dispatch = slot.Dispatch;
        if (error is not null)
        {
            Fail(dispatch, error);
            return;
        }

        dispatch.Replies[slot.Index] = reply!;
        // The interlocked decrement orders the reply before it: the last one sees every other reply.
        if (Interlocked.Decrement(ref dispatch.Remaining) == 0)
        {
            lock (dispatch)
            {
                dispatch.Done = true;
                dispatch.Timer?.Dispose();
            }

            dispatch.TrySetResult(dispatch.Replies);
        }
    }

    /// <summary>Fails <paramref name="dispatch"/> and stops waiting for its other batches.</summary>
    private void Fail(Dispatch dispatch, Exception error)
    {
        lock (dispatch)
        {
            dispatch.Done = true;
            dispatch.Timer?.Dispose();
        }

        foreach (var batch in dispatch.Batches)
        {
            Take(batch);
        }

        dispatch.TrySetException(error);
    }

    private void OnTimeout(Dispatch dispatch)
    {
        lock (dispatch)
        {
            if (dispatch.Done || _closed)
            {
                return;
            }

            dispatch.Attempts++;
        }

        // Unanswered so far (a reply racing with this read only makes a resend, which the key group answers again).
        var again = dispatch.Batches.Where((_, i) => Volatile.Read(ref dispatch.Replies[i]) is null).ToList();
        if (again.Count == 0)
        {
            return;
        }

        if (dispatch.Attempts > _attempts)
        {
            var late = again[0];
            Fail(dispatch, new AskTimeoutException(
                $"Key group {late.KeyGroup} of job '{_jobName}' did not answer batch {late.Sequence} within {_timeout} ({_attempts} attempt(s)); {again.Count} key group(s) of the dispatch did not answer."));
            return;
        }

        foreach (var batch in again)
        {
            // The same sequence number: a key group that applied it already answers with the stored reply.
            _region.Tell(batch, this);
        }

        lock (dispatch)
        {
            if (!dispatch.Done && !_closed)
            {
                dispatch.Timer?.Change(_timeout, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>The batches waiting for a reply, of the key groups of one stripe (its own lock).</summary>
    private sealed class Stripe
    {
        public Dictionary<(int KeyGroup, long Sequence), (Dispatch Dispatch, int Index)> Waiting { get; } = [];
    }

    /// <summary>The batches of one dispatch, their replies so far, and its timer (timer and flags under its lock).</summary>
    private sealed class Dispatch(KeyGroupReplies owner, KeyGroupBatch[] batches) : TaskCompletionSource<KeyGroupReply[]>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
#pragma warning disable SA1401 // Fields should be private: updated with Interlocked and Volatile
        public readonly KeyGroupReply[] Replies = new KeyGroupReply[batches.Length];

        public int Remaining = batches.Length;
#pragma warning restore SA1401

        public KeyGroupBatch[] Batches { get; } = batches;

        /// <summary>Gets or sets the number of times the batches were sent (the first send included).</summary>
        public int Attempts { get; set; } = 1;

        /// <summary>Gets or sets a value indicating whether the dispatch completed or failed.</summary>
        public bool Done { get; set; }

        public Timer? Timer { get; set; }

        public void OnTimeout() => owner.OnTimeout(this);
    }
}
