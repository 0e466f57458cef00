using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;

namespace ActorFlow.Operators.Internal;

/// <summary>
/// The window operator for all keys of a key group (Flink's <c>WindowOperator</c>): assigns records to
/// windows, keeps per-(key, window) contents in one dictionary, fires through the trigger and the timer
/// queues, cleans a window up at max timestamp + allowed lateness, and sends records of windows already
/// cleaned up to the late-data side output.
/// </summary>
internal sealed partial class WindowOperator<TKey, TIn, TState, TOut> : IKeyedOperator<TKey, TIn, TOut>, IOperatorClock, IIsolatesFailures, IEndsProcessingTime<TOut>, IUsesEventTime
    where TKey : notnull
{
    private readonly WindowAssigner _assigner;
    private readonly Trigger _trigger;
    private readonly long _allowedLateness;
    private readonly WindowContents<TKey, TIn, TState, TOut> _contents;
    private readonly TimeProvider _clock;
    private readonly ProcessingTimeFloor _time;
    private readonly ITypeSerializer<TKey> _keySerializer;
    private readonly OutputTag<TIn>? _lateTag;
    private readonly OutputTag<LateRecord<TKey, TIn>>? _keyedLateTag;
    private readonly bool _isEventTime;
    private readonly bool _eventTimeTrigger;
    private readonly bool _cleanupIsTriggerTimer;
    private readonly WindowTable<TKey, TState> _windows = new();
    private readonly TimerQueue<TKey> _eventTimers = new();
    private readonly TimerQueue<TKey> _processingTimers = new();
    private readonly KeyedStateBackend<TKey> _state;
    private readonly List<TimeWindow> _assigned = [];
    private readonly IElementWindowAssigner<TIn>? _elementAssigner;
    private readonly TriggerContext _triggerContext;
    private readonly WindowProcessContext<TKey, TOut> _emitContext;
    private IsolatedOutput<TOut>? _isolated;
    private long _lastProcessingTime = long.MinValue;

    /// <inheritdoc/>
    public string? EventTimeUse => _isEventTime ? $"event-time windows ({_assigner.GetType().Name}), which fire when the watermark passes their end" : null;

    public WindowOperator(
        WindowAssigner assigner,
        Trigger trigger,
        long allowedLateness,
        WindowContents<TKey, TIn, TState, TOut> contents,
        ITypeSerializer<TKey> keySerializer,
        SerializerRegistry serializers,
        TimeProvider clock,
        OutputTag<TIn>? lateTag,
        OutputTag<LateRecord<TKey, TIn>>? keyedLateTag = null)
    {
        _assigner = assigner;
        if (assigner is IElementWindowAssigner dynamic)
        {
            _elementAssigner = assigner as IElementWindowAssigner<TIn>
                ?? throw new ArgumentException($"The window assigner reads records of type {dynamic.ElementType.Name}, but the windowed records are {typeof(TIn).Name}.", nameof(assigner));
        }

        _trigger = trigger;
        _allowedLateness = allowedLateness;
        _contents = contents;
        _keySerializer = keySerializer;
        _clock = clock;
        _lateTag = lateTag;
        _keyedLateTag = keyedLateTag;
        _isEventTime = assigner.IsEventTime;
        _eventTimeTrigger = trigger is EventTimeTrigger;
        _cleanupIsTriggerTimer = _eventTimeTrigger && _isEventTime && allowedLateness == 0;
        _defersTimers = _cleanupIsTriggerTimer && !assigner.IsMerging;
        _time = new ProcessingTimeFloor(clock, () => _lastProcessingTime);
        _state = new KeyedStateBackend<TKey>(keySerializer, serializers, _time);
        _triggerContext = new TriggerContext(this);
        _emitContext = new WindowProcessContext<TKey, TOut>(this, _state);
        if (assigner.IsMerging)
        {
            _sessions = new Dictionary<TKey, List<TimeWindow>>();
        }
    }

    public long CurrentWatermark { get; private set; } = long.MinValue;

    public long CurrentProcessingTime => _time.NowMs;

    public long? NextProcessingTimeTimer => _processingTimers.TryPeekTime(out var t) ? t : null;

    /// <summary>
    /// Windows with an aggregate (with or without a process-window function) keep accumulators, not records; they read
    /// no clock while processing when they are event-time windows with the event-time trigger, or only a host-driven
    /// clock (<see cref="DrivenClock"/>, whose reads a replay repeats).
    /// </summary>
    public bool ReplaysDeterministically => ((_isEventTime && _eventTimeTrigger) || _clock is DrivenClock) && _contents.KeepsNoRecords;

    public long LateRecordCount { get; private set; }

    public long RejectedRecordCount { get; private set; }

    /// <inheritdoc />
    public bool IsolateFailures { get; set; }

    /// <summary>Gets the number of live (key, window) entries (for tests and metrics).</summary>
    internal int WindowCount => _windows.Count;

    public void ProcessElement(TKey key, TIn value, long timestamp, IOperatorOutput<TOut> output)
    {
        if (key is null)
        {
            Reject(key, value, timestamp, "The record has a null key.", output);
            return;
        }

        if (_isEventTime && !Timestamps.IsValid(timestamp))
        {
            Reject(key, value, timestamp, $"The record has no valid event timestamp ({timestamp}); event-time windows need one.", output);
            return;
        }

        _assigned.Clear();
        if (_elementAssigner is null)
        {
            _assigner.AssignWindows(timestamp, _isEventTime ? 0 : CurrentProcessingTime, _assigned);
        }
        else if (_elementAssigner.AssignWindows(value, timestamp, _isEventTime ? 0 : CurrentProcessingTime, _assigned) is { } refused)
        {
            Reject(key, value, timestamp, refused, output);
            return;
        }
        _emitContext.Sink = output;
        var accepted = _sessions is null ? AddToWindows(key, value, timestamp) : AddToSessions(key, value, timestamp);
        if (!accepted)
        {
            LateRecordCount++;
            if (_keyedLateTag is not null)
            {
                output.CollectSide(_keyedLateTag, new LateRecord<TKey, TIn>(key, value, timestamp), timestamp);
            }
            else
            {
                output.CollectSide(_lateTag!, value, timestamp);
            }
        }
    }

    public void ProcessWatermark(long watermark, IOperatorOutput<TOut> output)
    {
        if (watermark <= CurrentWatermark)
        {
            return;
        }

        CurrentWatermark = watermark;
        _emitContext.Sink = output;
        FireOrRegisterDeferred(watermark);
        if (watermark == Watermark.EndOfInput)
        {
            _eventTimers.Quiesced = true; // every event-time timer fires once (TimerQueue.Quiesced)
        }

        while (_eventTimers.TryDequeue(watermark, out var timer))
        {
            OnTimer(timer, TimeDomainKind.Event);
        }
    }

    public void AdvanceProcessingTime(long nowMs, IOperatorOutput<TOut> output)
    {
        if (nowMs > _lastProcessingTime)
        {
            _lastProcessingTime = nowMs;
        }

        _emitContext.Sink = output;
        while (_processingTimers.TryDequeue(nowMs, out var timer))
        {
            OnTimer(timer, TimeDomainKind.Processing);
        }
    }

    public void EndProcessingTime(IOperatorOutput<TOut> output)
    {
        _processingTimers.Quiesced = true;
        _emitContext.Sink = output;
        while (_processingTimers.TryDequeue(long.MaxValue, out var timer))
        {
            OnTimer(timer, TimeDomainKind.Processing);
        }
    }

    private bool AddToWindows(TKey key, TIn value, long timestamp)
    {
        var accepted = false;
        for (var i = 0; i < _assigned.Count; i++)
        {
            var window = _assigned[i];
            if (IsWindowLate(window))
            {
                continue;
            }

            accepted = true;
            var stateKey = new StateKey<TKey>(key, window);
            ref var entry = ref _windows.GetOrAdd(stateKey);
            var isNew = !entry.HasContents;
            _contents.Add(ref entry.State, isNew, value, timestamp);
            entry.HasContents = true;
            OnElementTrigger(stateKey, timestamp, isNew);
        }

        return accepted;
    }

    /// <summary>Runs the trigger for a record added to a window, then registers the window's cleanup timer as Flink
    /// does for every record. It is one timer per (key, window, time): a trigger that deletes its own timer at the
    /// cleanup time (an inactivity trigger capped at the window's end) deletes the cleanup timer too, and the next
    /// record puts it back. Only <see cref="EventTimeTrigger"/>, which deletes no timer, registers it once, when the
    /// window gets contents.</summary>
    private void OnElementTrigger(StateKey<TKey> stateKey, long timestamp, bool windowIsNew)
    {
        if (windowIsNew && _defersTimers)
        {
            // Same outcome as EventTimeTrigger.OnElement and the cleanup timer for a new window, which is not late (no
            // allowed lateness: its max timestamp is past the watermark): Continue, one timer at its max timestamp.
            DeferTimer(stateKey);
            return;
        }

        TriggerResult result;
        if (_eventTimeTrigger && !windowIsNew)
        {
            // Fast path, same outcome as EventTimeTrigger.OnElement: its timer at max timestamp was registered
            // when the window got contents (or the window had already fired), so registering it again is a no-op.
            result = stateKey.Namespace.MaxTimestamp <= CurrentWatermark ? TriggerResult.Fire : TriggerResult.Continue;
        }
        else
        {
            _triggerContext.Bind(stateKey);
            result = _trigger.OnElement(timestamp, stateKey.Namespace, _triggerContext);
        }

        if (result != TriggerResult.Continue)
        {
            HandleOnElement(stateKey, result);
        }

        if (windowIsNew || !_eventTimeTrigger)
        {
            RegisterCleanupTimer(stateKey.Key, stateKey.Namespace);
        }
    }

    /// <summary>
    /// A window firing for a record (its trigger fired on the element, or the record is late within the allowed lateness):
    /// a failure of the window function is the firing's, isolated when asked, else thrown as a <see cref="FiringException"/>
    /// (the host restarts the key group and retries with firings isolated), never the record's dead letter: the record was
    /// added to its windows already (a sliding window's later windows not yet), and the firing's result was lost.
    /// </summary>
    private void HandleOnElement(StateKey<TKey> stateKey, TriggerResult result)
    {
        if (!IsolateFailures)
        {
            try
            {
                Handle(stateKey, result);
            }
            catch (Exception e) when (e is not OutOfMemoryException and not OperatorFailureException)
            {
                throw new FiringException($"the window function threw while window [{stateKey.Namespace.Start}, {stateKey.Namespace.End}) of key '{stateKey.Key}' fired for a record: {e.GetType().Name}: {e.Message}", e);
            }

            return;
        }

        // The window keeps its contents after a failure (a later firing includes them), as a failed timer firing's until its cleanup time.
        FireIsolated(static (op, args) => op.Handle(args.StateKey, args.Result), (StateKey: stateKey, Result: result), stateKey.Key, stateKey.Namespace, stateKey.Namespace.MaxTimestamp);
    }

    /// <summary>Fires a timer (<paramref name="deferred"/> ≥ 0: the deferred window of that registration, see <see cref="FireDeferred"/>), isolating a failure when asked.</summary>
    private void OnTimer(TimerKey<TKey> timer, TimeDomainKind domain, int deferred = -1)
    {
        if (!IsolateFailures)
        {
            Fire(timer, domain, deferred);
            return;
        }

        if (!FireIsolated(static (op, args) => op.Fire(args.Timer, args.Domain, args.Deferred), (Timer: timer, Domain: domain, Deferred: deferred), timer.Key, timer.Namespace, timer.Timestamp)
            && (domain == TimeDomainKind.Event) == _isEventTime && timer.Timestamp == CleanupTime(timer.Namespace))
        {
            // The window is done as if it had fired: its state goes at its cleanup time as it would have.
            ClearWithoutUserCode(new StateKey<TKey>(timer.Key, timer.Namespace));
        }
    }

    /// <summary>
    /// Runs one firing of <paramref name="window"/> with what it emits held back until it has succeeded; a failure emits only
    /// a <see cref="FiringFailure"/> (at <paramref name="timestamp"/>) and returns false. A failure of the operator itself
    /// (<see cref="OperatorFailureException"/>: restored state it cannot read) is thrown: it fails the operator, not the firing.
    /// </summary>
    private bool FireIsolated<TArgs>(Action<WindowOperator<TKey, TIn, TState, TOut>, TArgs> fire, TArgs args, TKey key, TimeWindow window, long timestamp)
    {
        var sink = _emitContext.Sink;
        var held = _isolated ??= new IsolatedOutput<TOut>();
        _emitContext.Sink = held;
        try
        {
            fire(this, args);
            held.FlushTo(sink);
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            held.Discard();
            if (e is OperatorFailureException)
            {
                throw;
            }

            sink.CollectSide(FailureIsolation.Failed, new FiringFailure(key, $"window [{window.Start}, {window.End})", e), timestamp);
            return false;
        }
        finally
        {
            _emitContext.Sink = sink;
        }
    }

    private void Fire(TimerKey<TKey> timer, TimeDomainKind domain, int deferred)
    {
        if (deferred < 0)
        {
            FireTimer(timer, domain);
        }
        else
        {
            FireDeferred(timer, deferred);
        }
    }

    private void FireTimer(TimerKey<TKey> timer, TimeDomainKind domain)
    {
        var stateKey = new StateKey<TKey>(timer.Key, timer.Namespace);
        if (_sessions is not null && !SessionExists(stateKey))
        {
            return;
        }

        _triggerContext.Bind(stateKey);
        var result = domain == TimeDomainKind.Event
            ? _trigger.OnEventTime(timer.Timestamp, timer.Namespace, _triggerContext)
            : _trigger.OnProcessingTime(timer.Timestamp, timer.Namespace, _triggerContext);
        if (result != TriggerResult.Continue)
        {
            Handle(stateKey, result);
        }

        if ((domain == TimeDomainKind.Event) == _isEventTime && timer.Timestamp == CleanupTime(timer.Namespace))
        {
            ClearAllState(stateKey);
        }
    }

    private void Handle(StateKey<TKey> stateKey, TriggerResult result)
    {
        ref var entry = ref _windows.Find(stateKey);
        if (Unsafe.IsNullRef(ref entry) || !entry.HasContents)
        {
            return;
        }

        var purge = (result & TriggerResult.Purge) != 0;
        if ((result & TriggerResult.Fire) != 0)
        {
            Emit(stateKey, ref entry.State);

            // An evictor that removed every record leaves the window without contents (Flink: the list state is gone), so
            // a later firing without a new record does not call the function.
            purge |= _contents.IsEmpty(entry.State);
        }

        if (purge)
        {
            entry.State = default!;
            entry.HasContents = false;
            if (!entry.HasTriggerState)
            {
                _windows.Remove(stateKey);
            }
        }
    }

    private void Emit(StateKey<TKey> stateKey, ref TState state)
    {
        _emitContext.CurrentWindow = stateKey.Namespace;
        _state.CurrentKey = stateKey.Key;
        _state.CurrentWindow = stateKey.Namespace;
        _contents.Emit(stateKey.Key, ref state, _emitContext);
    }

    /// <summary>Drops a window whose firing failed, without running user code again (its trigger's and clear callbacks).</summary>
    private void ClearWithoutUserCode(StateKey<TKey> stateKey)
    {
        _windows.Remove(stateKey);
        if (_contents.UsesWindowState)
        {
            _state.ClearNamespace(stateKey.Key, stateKey.Namespace);
        }

        RetireSession(stateKey);
    }

    /// <summary>
    /// Cleans a window up, as Flink's <c>clearAllState</c>: the trigger's <see cref="Trigger.Clear"/> runs while the window's
    /// entry, which holds the trigger's cell, still exists (so a trigger reads what it keeps there, e.g. a continuous
    /// trigger's pending firing, and deletes its timer); then the entry goes, whatever the trigger did, and the window
    /// state and the session follow.
    /// </summary>
    private void ClearAllState(StateKey<TKey> stateKey)
    {
        try
        {
            ClearTrigger(stateKey);
        }
        finally
        {
            _windows.Remove(stateKey);
        }

        ClearWindowState(stateKey);
    }

    /// <summary><see cref="ClearAllState"/> for a window whose entry is already gone: a deferred window's, whose trigger
    /// (the event-time trigger) keeps nothing in its cell.</summary>
    private void ClearRemoved(StateKey<TKey> stateKey)
    {
        ClearTrigger(stateKey);
        ClearWindowState(stateKey);
    }

    private void ClearTrigger(StateKey<TKey> stateKey)
    {
        _triggerContext.Bind(stateKey);
        _trigger.Clear(stateKey.Namespace, _triggerContext);
    }

    /// <summary>The rest of a window's cleanup once its entry is gone: window state (after the function's clear), session.</summary>
    private void ClearWindowState(StateKey<TKey> stateKey)
    {
        if (_contents.UsesWindowState)
        {
            _emitContext.CurrentWindow = stateKey.Namespace;
            _state.CurrentKey = stateKey.Key;
            _state.CurrentWindow = stateKey.Namespace;
            _contents.OnClear(_emitContext);
            _state.ClearNamespace(stateKey.Key, stateKey.Namespace);
        }

        RetireSession(stateKey);
    }

    private void Reject(TKey? key, TIn value, long timestamp, string reason, IOperatorOutput<TOut> output)
    {
        RejectedRecordCount++;
        output.CollectSide(OutputTags.Rejected<TIn>(), new RejectedRecord<TIn>(key?.ToString() ?? "null", value, timestamp, reason), timestamp);
    }

    private enum TimeDomainKind
    {
        Event,
        Processing,
    }
}
