using Akka.Actor;
using Akka.Dispatch.SysMsg;

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
/// once, so the batches waiting for a reply are kept per key group in a small ring of cells indexed by sequence number
/// (written by the sending thread, taken by the answer with a compare-exchange; a batch whose cell is still taken waits
/// in its stripe's dictionary, under the stripe's lock), and a dispatch counts its replies with an interlocked counter
/// (with one lock for all of them, ~4 % of the tumbling job's CPU samples were spent spinning on it on 2 cores; with
/// 64 striped locks, still ~5 %).
/// <para>
/// It also routes: the first message to a key group goes through the shard region (which starts the entity), and once
/// the entity has answered from this node, every later message of the run (batches, resends and checkpoint barriers,
/// <see cref="TriggerAsync"/>) goes to the entity's own reference, skipping the region's and the shard's mailboxes
/// (two of the three hops of every message; the keyed job read ~60 % more records/s). Order is kept per key group:
/// while the first message is unanswered, the messages after it wait here and follow it in order. The entity is
/// watched: when it stops during the run (a rebalance, a restart), the batches waiting for it fail with
/// <see cref="KeyGroupStateLostException"/> at once, as its next incarnation would refuse them (it lacks their
/// state), and the job fails over. A key group on another node, or one whose answer names no entity, stays on the
/// region's path.
/// </para>
/// </summary>
internal sealed class KeyGroupReplies : MinimalActorRef
{
    private const int StripeCount = 64;

    // Per key group, the batches waiting for their reply by sequence number modulo this: one sending thread writes a
    // free cell, answers take theirs with a compare-exchange (with the stripes' locks, the answers' Take spun on them:
    // ~5 % of the keyed job's CPU samples on 2 cores). A batch whose cell is taken (more in flight) waits in its stripe.
    private const int RingSize = 16;
    private readonly IActorRef _region;
    private readonly string _jobName;
    private readonly TimeSpan _timeout;
    private readonly int _attempts;
    private readonly IActorRefProvider _provider;
    private readonly ActorPath _path;
    private readonly Stripe[] _stripes = [.. Enumerable.Range(0, StripeCount).Select(_ => new Stripe())];
    private volatile bool _closed;
    private readonly TimeSpan _checkpointTimeout;

    // Indexed by key group (grown by the sending thread under the stripes' array lock); a cell holds the dispatch of
    // the batch waiting there (no allocation per batch), or null.
    private Dispatch?[]?[] _rings = new Dispatch?[]?[128];

    // Batches waiting in the stripes' dictionaries (their ring cell was taken): answers look there only when some are.
    private int _overflowed;

    // Key groups whose first message is unanswered: an answer takes its stripe's lock to settle the path only then
    // (taking it for every answer contended with the sends, ~6 % of the keyed job's CPU samples).
    private int _resolving;

    public KeyGroupReplies(IActorRef region, string jobName, JobRunnerOptions options)
    {
        _region = region;
        _jobName = jobName;
        _timeout = options.AskTimeout;
        _attempts = options.AskAttempts;
        _checkpointTimeout = options.CheckpointTimeout;
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
            var batch = batches[i];
            var stripe = StripeOf(batch.KeyGroup);
            IActorRef? direct;
            var cells = RingOf(batch.KeyGroup);
            var at = (int)(batch.Sequence & (RingSize - 1));
            var parked = Volatile.Read(ref cells[at]) is null && dispatch.IndexOf(batch.KeyGroup, batch.Sequence) == i;
            if (parked)
            {
                // Before the send: the answer cannot come before it.
                Volatile.Write(ref cells[at], dispatch);
            }

            lock (stripe)
            {
                if (!parked)
                {
                    stripe.Waiting.Add((batch.KeyGroup, batch.Sequence), (dispatch, i));
                    Interlocked.Increment(ref _overflowed);
                }

                direct = Send(stripe, batch.KeyGroup, batch, resend: false);
            }

            // Only this thread sends a key group's new batches, and a path is settled after its held messages went, so
            // the order per key group stays the order of the calls.
            direct?.Tell(batch, this);
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

    /// <summary>
    /// Sends the barrier <paramref name="trigger"/> to its key group behind every batch sent to it so far (on the
    /// same path) and returns the key group's acknowledgement, or fails after <see cref="JobRunnerOptions.CheckpointTimeout"/>.
    /// </summary>
    public Task<KeyGroupCheckpointed> TriggerAsync(TriggerCheckpoint trigger)
    {
        var stripe = StripeOf(trigger.KeyGroup);
        lock (stripe)
        {
            var route = stripe.Route(trigger.KeyGroup);
            switch (route.State)
            {
                case RouteState.Direct:
                    return route.Entity!.Ask<KeyGroupCheckpointed>(trigger, _checkpointTimeout);
                case RouteState.Resolving when !_closed:
                    var held = new HeldBarrier(trigger);
                    (route.Held ??= new Queue<object>()).Enqueue(held);
                    return held.Task.WaitAsync(_checkpointTimeout);
                default:
                    // Nothing waits here: the region's path keeps the order of what was sent on it.
                    return _region.Ask<KeyGroupCheckpointed>(trigger, _checkpointTimeout);
            }
        }
    }

    /// <summary>
    /// Sends <paramref name="batch"/> on its key group's path (under the stripe's lock). A resend of a batch still
    /// held behind the first message is skipped: it goes when the first one is answered. On a settled path it returns
    /// the entity instead, for the caller to tell the batch once the lock is released (the answers of the stripe's key
    /// groups wait on that lock: telling under it, ~4 % of the keyed job's CPU samples spun there); null otherwise.
    /// </summary>
    private IActorRef? Send(Stripe stripe, int keyGroup, KeyGroupBatch batch, bool resend)
    {
        var route = stripe.Route(keyGroup);
        switch (route.State)
        {
            case RouteState.Direct:
                return route.Entity;
            case RouteState.Resolving:
                if (!resend)
                {
                    (route.Held ??= new Queue<object>()).Enqueue(batch);
                }
                else if (route.Held is null || !route.Held.Contains(batch))
                {
                    _region.Tell(batch, this); // the first message (or one before it): on the region's path again
                }

                break;
            case RouteState.Unknown:
                route.State = RouteState.Resolving;
                Interlocked.Increment(ref _resolving);
                _region.Tell(batch, this);
                break;
            default:
                _region.Tell(batch, this);
                break;
        }

        return null;
    }

    /// <summary>
    /// An answer of key group <paramref name="keyGroup"/> came from <paramref name="sender"/>: while its first
    /// message was waiting, the key group's path is now settled (the entity itself when it is on this node, else the
    /// region), and the messages held behind the first one go, in order.
    /// </summary>
    private void Resolve(int keyGroup, IActorRef sender)
    {
        if (Volatile.Read(ref _resolving) == 0)
        {
            return;
        }

        var stripe = StripeOf(keyGroup);
        lock (stripe)
        {
            var route = stripe.Route(keyGroup);
            if (route.State != RouteState.Resolving)
            {
                return;
            }

            Interlocked.Decrement(ref _resolving);
            if (sender is IActorRefScope { IsLocal: true } and IInternalActorRef entity && !sender.IsNobody() && !_closed)
            {
                route.State = RouteState.Direct;
                route.Entity = entity;
                entity.SendSystemMessage(new Watch(entity, this));
            }
            else
            {
                route.State = RouteState.Region;
            }

            var target = route.Entity ?? _region;
            while (route.Held?.Count > 0)
            {
                switch (route.Held.Dequeue())
                {
                    case KeyGroupBatch batch:
                        target.Tell(batch, this);
                        break;
                    case HeldBarrier barrier:
                        barrier.Follow(target.Ask<KeyGroupCheckpointed>(barrier.Trigger, _checkpointTimeout));
                        break;
                }
            }
        }
    }

    /// <summary>
    /// A watched entity stopped during the run: its next incarnation lacks the state the batches sent to it follow, so
    /// the batches waiting for it fail now (the job fails over), and its key group goes back to the region's path.
    /// </summary>
    public override void SendSystemMessage(ISystemMessage message)
    {
        if (message is not DeathWatchNotification { Actor: var stopped })
        {
            return;
        }

        var failed = new List<(int KeyGroup, Dispatch Dispatch)>();
        foreach (var stripe in _stripes)
        {
            lock (stripe)
            {
                foreach (var (keyGroup, route) in stripe.Routes)
                {
                    if (route.State == RouteState.Direct && route.Entity!.Equals(stopped))
                    {
                        route.State = RouteState.Unknown;
                        route.Entity = null;
                        failed.AddRange(stripe.Waiting.Where(w => w.Key.KeyGroup == keyGroup).Select(w => (keyGroup, w.Value.Dispatch)));
                        failed.AddRange(WaitersOf(keyGroup).Select(d => (keyGroup, d)));
                    }
                }
            }
        }

        foreach (var (keyGroup, dispatch) in failed)
        {
            Fail(dispatch, new KeyGroupStateLostException(_jobName, keyGroup, "its entity stopped while batches of this run were on their way to it"));
        }
    }

    /// <summary>The dispatcher's run ended: no more resends, and the reply address goes (late replies go to dead letters).</summary>
    public void Close()
    {
        _closed = true;
        foreach (var stripe in _stripes)
        {
            List<Dispatch> waiting;
            List<HeldBarrier> barriers = [];
            lock (stripe)
            {
                waiting = [.. stripe.Waiting.Values.Select(w => w.Dispatch)];
                foreach (var keyGroup in stripe.Routes.Keys)
                {
                    waiting.AddRange(WaitersOf(keyGroup));
                }
                foreach (var route in stripe.Routes.Values)
                {
                    if (route.Held is { } held)
                    {
                        barriers.AddRange(held.OfType<HeldBarrier>());
                        held.Clear();
                    }

                    if (route.Entity is { } entity)
                    {
                        entity.SendSystemMessage(new Unwatch(entity, this));
                    }
                }
            }

            foreach (var barrier in barriers)
            {
                barrier.TrySetException(new AskTimeoutException($"The run of job '{_jobName}' ended before checkpoint {barrier.Trigger.CheckpointId}'s barrier reached key group {barrier.Trigger.KeyGroup}."));
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
                Resolve(reply.KeyGroup, sender);
                Answer(reply.KeyGroup, reply.Sequence, reply, null);
                break;
            case KeyGroupStateLost lost:
                Resolve(lost.KeyGroup, sender);
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
        var rings = Volatile.Read(ref _rings);
        if ((uint)keyGroup < (uint)rings.Length && Volatile.Read(ref rings[keyGroup]) is { } cells)
        {
            ref var cell = ref cells[(int)(sequence & (RingSize - 1))];
            if (Volatile.Read(ref cell) is { } waiting && waiting.IndexOf(keyGroup, sequence) is var index and >= 0
                && ReferenceEquals(Interlocked.CompareExchange(ref cell, null, waiting), waiting))
            {
                slot = (waiting, index);
                return true;
            }
        }

        slot = default;
        if (Volatile.Read(ref _overflowed) == 0)
        {
            return false;
        }

        var stripe = StripeOf(keyGroup);
        lock (stripe)
        {
            if (!stripe.Waiting.Remove((keyGroup, sequence), out slot))
            {
                return false;
            }
        }

        Interlocked.Decrement(ref _overflowed);
        return true;
    }

    /// <summary>The cells of <paramref name="keyGroup"/> (made on its first batch; sending thread).</summary>
    private Dispatch?[] RingOf(int keyGroup)
    {
        var rings = Volatile.Read(ref _rings);
        if (keyGroup < rings.Length && rings[keyGroup] is { } cells)
        {
            return cells;
        }

        lock (_stripes)
        {
            rings = _rings;
            if (keyGroup >= rings.Length)
            {
                var grown = new Dispatch?[]?[Math.Max(keyGroup + 1, rings.Length * 2)];
                Array.Copy(rings, grown, rings.Length);
                rings = grown;
            }

            cells = rings[keyGroup] ??= new Dispatch?[RingSize];
            Volatile.Write(ref _rings, rings);
            return cells;
        }
    }

    /// <summary>The dispatches of <paramref name="keyGroup"/>'s batches waiting in its cells (a snapshot: answers may take them meanwhile).</summary>
    private IEnumerable<Dispatch> WaitersOf(int keyGroup)
    {
        var rings = Volatile.Read(ref _rings);
        if ((uint)keyGroup >= (uint)rings.Length || Volatile.Read(ref rings[keyGroup]) is not { } cells)
        {
            return [];
        }

        return [.. cells.OfType<Dispatch>()];
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
            var stripe = StripeOf(batch.KeyGroup);
            IActorRef? direct;
            lock (stripe)
            {
                direct = Send(stripe, batch.KeyGroup, batch, resend: true);
            }

            direct?.Tell(batch, this);
        }

        lock (dispatch)
        {
            if (!dispatch.Done && !_closed)
            {
                dispatch.Timer?.Change(_timeout, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>The key groups of one stripe: their paths, and their batches waiting for a reply whose cell was taken (its own lock).</summary>
    private sealed class Stripe
    {
        public Dictionary<(int KeyGroup, long Sequence), (Dispatch Dispatch, int Index)> Waiting { get; } = [];

        /// <summary>Per key group of the stripe: the path its messages take.</summary>
        public Dictionary<int, KeyGroupRoute> Routes { get; } = [];

        public KeyGroupRoute Route(int keyGroup)
        {
            if (!Routes.TryGetValue(keyGroup, out var route))
            {
                Routes[keyGroup] = route = new KeyGroupRoute();
            }

            return route;
        }
    }

    private enum RouteState
    {
        /// <summary>Nothing sent yet (or the entity stopped): the next batch goes through the region and settles the path.</summary>
        Unknown,

        /// <summary>The first batch went through the region; what follows is held until the key group answers.</summary>
        Resolving,

        /// <summary>Everything goes to the entity's own reference (on this node, watched).</summary>
        Direct,

        /// <summary>Everything goes through the region (an entity on another node, or an answer that names none).</summary>
        Region,
    }

    /// <summary>One key group's path and the messages held behind its first one (under its stripe's lock).</summary>
    private sealed class KeyGroupRoute
    {
        public RouteState State { get; set; }

        public IInternalActorRef? Entity { get; set; }

        /// <summary>Batches and barriers sent while the first message was unanswered, in order.</summary>
        public Queue<object>? Held { get; set; }
    }

    /// <summary>A barrier held behind a key group's first message; completes with the acknowledgement once it went.</summary>
    private sealed class HeldBarrier(TriggerCheckpoint trigger) : TaskCompletionSource<KeyGroupCheckpointed>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public TriggerCheckpoint Trigger { get; } = trigger;

        public void Follow(Task<KeyGroupCheckpointed> ack) =>
            ack.ContinueWith(
                static (t, state) =>
                {
                    var held = (HeldBarrier)state!;
                    if (t.IsCompletedSuccessfully)
                    {
                        held.TrySetResult(t.Result);
                    }
                    else
                    {
                        held.TrySetException(t.Exception is { } error ? error.InnerExceptions : [new TaskCanceledException(t)]);
                    }
                },
                this,
                CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
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

        /// <summary>
        /// Where the batch of <paramref name="keyGroup"/> with <paramref name="sequence"/> is in <see cref="Batches"/>, or -1:
        /// a binary search, as the dispatchers send a dispatch's batches in key-group order, else a scan.
        /// </summary>
        public int IndexOf(int keyGroup, long sequence)
        {
            var batches = Batches;
            int lo = 0, hi = batches.Length - 1;
            while (lo <= hi)
            {
                var mid = (lo + hi) >>> 1;
                var at = batches[mid].KeyGroup;
                if (at == keyGroup)
                {
                    return batches[mid].Sequence == sequence ? mid : Scan(keyGroup, sequence);
                }

                if (at < keyGroup)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return Scan(keyGroup, sequence);
        }

        private int Scan(int keyGroup, long sequence)
        {
            for (var i = 0; i < Batches.Length; i++)
            {
                if (Batches[i].KeyGroup == keyGroup && Batches[i].Sequence == sequence)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
