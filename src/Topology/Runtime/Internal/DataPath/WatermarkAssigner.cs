using System.Runtime.ExceptionServices;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Assigns timestamps and watermarks per source partition and combines them as the minimum over the
/// active (non-idle) partitions. Records that fail to decode or to yield a timestamp become dead letters, except a
/// decoding failure that is not the record's fault (<see cref="IDecodingFailure"/>), which fails the source.
/// Runs inside one stream stage, so it needs no locks.
/// </summary>
internal sealed class WatermarkAssigner<T>
{
    // Until its first record, a source is one placeholder input with the strategy's generator: with idleness it goes
    // idle after the timeout (an empty topic stops holding back the job's watermark, as in Flink), without it holds.
    private const string NoPartitionYet = "";
    private readonly Dictionary<string, PartitionClock> _partitions = new(StringComparer.Ordinal);
    private readonly WatermarkStrategy<T> _strategy;
    private readonly TimeProvider _timeProvider;
    private readonly ITimestampAssigner<T> _timestamps;
    private long _combined = long.MinValue;

    public WatermarkAssigner(WatermarkStrategy<T> strategy, TimeProvider timeProvider)
    {
        _strategy = strategy;
        _timeProvider = timeProvider;
        _timestamps = strategy.CreateTimestampAssigner();
    }

    public long Watermark => _combined;

    /// <summary>
    /// After <see cref="OnIncoming{TOut}(Incoming{T}, IRecordRoute{T, TOut})"/>: the index of the first record it left
    /// for another chunk, or -1 when it took them all. A watermark that a generator emits for a record (punctuated, in
    /// <c>OnEvent</c>) and that moves the combined watermark ends the chunk after that record, so the records after it
    /// are judged against it, as in Flink, where such a watermark goes on at once; the caller passes the same incoming
    /// again from here (<see cref="Incoming{T}.From"/>).
    /// </summary>
    public int ResumeAt { get; private set; } = -1;

    /// <summary>
    /// Gets a value indicating whether a watermark emitted for a record ends its chunk (see <see cref="ResumeAt"/>); true
    /// by default. Batch mode turns it off: its event time stands still until the end of the input, so a cut would only
    /// cost.
    /// </summary>
    public bool CutsAtWatermarks { get; init; } = true;

    /// <summary>
    /// The interval of the periodic ticks (<see cref="JobRunnerOptions.WatermarkInterval"/>): a tick that comes less than
    /// half of it after the last one the generators saw is not passed on to them. Ticks held up behind a busy stream (at a
    /// job's start) arrive in a burst, and a burst of periodic emits within a millisecond made every partition's idleness
    /// countdown start at the same instant: a partition that read its records just before went idle at the same tick as
    /// one that never had any, so the source's watermark never took the records' time (Flink's periodic emits come on
    /// a timer, never in a burst). Null: every tick counts (tests that drive the clock).
    /// </summary>
    public TimeSpan? PeriodicInterval { get; init; }

    /// <summary>The clock the ticks come by (real time: the ticks are timer-driven whatever the job's clock is; tests set it).</summary>
    public TimeProvider TickClock { get; init; } = TimeProvider.System;

    // When the generators last saw a periodic emit (the clock's timestamp), or -1.
    private long _lastPeriodic = -1;

    /// <summary>Gets a value indicating whether every input of the source is idle: it does not hold back a union of sources.</summary>
    public bool Idle
    {
        get
        {
            foreach (var p in _partitions.Values)
            {
                if (!p.Idle)
                {
                    return false;
                }
            }

            return _partitions.Count > 0;
        }
    }

    public Chunk<T> OnIncoming(Incoming<T> incoming) => OnIncoming(incoming, IdentityRoute.Instance);

    /// <summary>
    /// Inputs the source will deliver (a restored checkpoint's partitions, <see cref="ISourceConnector{T}.RestoredPartitions"/>):
    /// each holds the combined watermark from now on as an announced partition without records does, before it arrives.
    /// </summary>
    public void Expect(IEnumerable<string> partitions)
    {
        foreach (var partition in partitions)
        {
            if (!_partitions.ContainsKey(partition))
            {
                _partitions.Remove(NoPartitionYet);
                _partitions[partition] = new PartitionClock(_strategy.CreateWatermarkGenerator(_timeProvider));
            }
        }
    }

    /// <summary>
    /// The chunk of <paramref name="incoming"/>, each record passed through <paramref name="route"/> as it is stamped (the
    /// source's only consumer, fused: no chunk of the bare records is made). A record the route throws on becomes a dead
    /// letter of <see cref="IRecordRoute{T, TOut}.Step"/> with its position and bytes, and the others go on.
    /// </summary>
    public Chunk<TOut> OnIncoming<TOut>(Incoming<T> incoming, IRecordRoute<T, TOut> route)
    {
        ResumeAt = -1;
        if (incoming.End)
        {
            OnEnd(incoming.Partition);
            return Chunk<TOut>.Tick(_combined);
        }

        if (incoming.IsTick)
        {
            if (_partitions.Count == 0)
            {
                _partitions[NoPartitionYet] = new PartitionClock(_strategy.CreateWatermarkGenerator(_timeProvider));
            }

            if (PeriodicInterval is { } interval)
            {
                var now = TickClock.GetTimestamp();
                if (_lastPeriodic >= 0 && TickClock.GetElapsedTime(_lastPeriodic, now) < interval / 2)
                {
                    return Chunk<TOut>.Tick(_combined, Idle); // a burst of held-up ticks: one periodic emit stands for it
                }

                _lastPeriodic = now;
            }

            foreach (var p in _partitions.Values)
            {
                p.Generator.OnPeriodicEmit(p);
            }

            Recombine();
            return Chunk<TOut>.Tick(_combined, Idle);
        }

        var partition = incoming.Partition!;
        var records = incoming.Records!;
        if (!_partitions.TryGetValue(partition, out var clock))
        {
            clock = new PartitionClock(_strategy.CreateWatermarkGenerator(_timeProvider));
            _partitions.Remove(NoPartitionYet);
            _partitions[partition] = clock;
        }

        var from = incoming.From;
        // After a cut the rest may be cut again soon (a watermark per record): start small and grow, so that a cut per
        // record does not allocate the rest of the poll for every record.
        var items = new Element<TOut>[clock.Cut ? Math.Min(8, records.Count - from) : records.Count - from];
        clock.Cut = false;
        var count = 0;
        var folded = 0;
        List<DeadLetterRecord>? dead = null;
        List<DeadLetterRecord>? refused = null; // after the chunk's own failures, as the routing step adds its own
        var next = SourcePositions.NextOffsetOf(records); // a position chunk (no records) names where the partition starts
        route.BeginChunk();
        for (var i = from; i < records.Count; i++)
        {
            var record = records[i];
            next = Math.Max(next, record.Offset + 1);
            if (record.Error is not null)
            {
                if (record.Error is IDecodingFailure { IsRecordFault: false })
                {
                    // Not the record's fault (a registry that could not be reached): failing the source keeps the record
                    // for the failover's replay from the checkpoint, where a dead letter would leave it behind.
                    ExceptionDispatchInfo.Throw(record.Error);
                }

                (dead ??= []).Add(new DeadLetterRecord($"decoding failed: {record.Error.GetType().Name}: {record.Error.Message}", record.Origin, record.Offset, record.RawKey, record.RawValue)
                {
                    Headers = record.Headers,
                });
                continue;
            }

            long timestamp;
            try
            {
                timestamp = _timestamps.ExtractTimestamp(record.Value!, record.Timestamp);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (dead ??= []).Add(new DeadLetterRecord($"timestamp assigner failed: {e.GetType().Name}: {e.Message}", record.Origin, record.Offset, record.RawKey, record.RawValue));
                continue;
            }

            clock.Idle = false;
            clock.Raised = false;
            clock.Generator.OnEvent(record.Value!, timestamp, clock);
            try
            {
                if (route.TryRoute(record.Value!, timestamp, out var routed))
                {
                    if (count == items.Length)
                    {
                        Array.Resize(ref items, Math.Min(items.Length * 2, records.Count - from));
                    }

                    items[count++] = new Element<TOut>(routed, timestamp, record.Offset, record.RawKey, record.RawValue);
                }
                else
                {
                    folded++;
                }
            }
            catch (RouteStepException e)
            {
                (refused ??= []).Add(new DeadLetterRecord(e.Message, partition, record.Offset, record.RawKey, record.RawValue, e.Step));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // As the step would have dead-lettered it from the chunk (Chunk.Failed): the event time still counts.
                (refused ??= []).Add(new DeadLetterRecord($"{e.GetType().Name}: {e.Message}", partition, record.Offset, record.RawKey, record.RawValue, route.Step));
            }

            if (clock.Raised && CutsAtWatermarks && i + 1 < records.Count)
            {
                // A watermark emitted for this record: when it moves the combined one, the records after it form the
                // next chunk (their watermark in force is this chunk's).
                var before = _combined;
                Recombine();
                if (_combined > before)
                {
                    ResumeAt = i + 1;
                    clock.Cut = true;
                    break;
                }
            }
        }

        if (refused is not null)
        {
            (dead ??= []).AddRange(refused);
        }

        Recombine();
        return new Chunk<TOut>(partition, next, _combined, items, count, dead) { Folded = folded };
    }

    /// <summary>
    /// The end of a bounded partition's input: it no longer holds the combined watermark back. With a null partition,
    /// the end of the source's input: the combined watermark moves to <see cref="Operators.Watermark.EndOfInput"/>.
    /// </summary>
    private void OnEnd(string? partition)
    {
        if (partition is null)
        {
            _combined = Operators.Watermark.EndOfInput;
            return;
        }

        if (!_partitions.TryGetValue(partition, out var clock))
        {
            _partitions.Remove(NoPartitionYet);
            _partitions[partition] = clock = new PartitionClock(_strategy.CreateWatermarkGenerator(_timeProvider));
        }

        clock.EndInput();
        Recombine();
    }

    private void Recombine()
    {
        var min = long.MaxValue;
        var active = false;
        foreach (var p in _partitions.Values)
        {
            if (!p.Idle)
            {
                active = true;
                min = Math.Min(min, p.Watermark);
            }
        }

        if (active && min > _combined && min != long.MaxValue)
        {
            _combined = min;
        }
    }

    /// <summary>The records as they are (no consumer fused in).</summary>
    private sealed class IdentityRoute : IRecordRoute<T, T>
    {
        public static readonly IdentityRoute Instance = new();

        public string Step => "";

        public bool TryRoute(T value, long timestamp, out T routed)
        {
            routed = value;
            return true;
        }
    }

    private sealed class PartitionClock(IWatermarkGenerator<T> generator) : IWatermarkOutput
    {
        public IWatermarkGenerator<T> Generator { get; } = generator;

        public long Watermark { get; private set; } = long.MinValue;

        public bool Idle { get; set; }

        // Emitting also marks the output active (the IWatermarkOutput contract): a generator may rejoin without a record.
        /// <summary>Gets or sets a value indicating whether an emitted watermark moved this partition's since the flag was cleared (before each record).</summary>
        public bool Raised { get; set; }

        /// <summary>Gets or sets a value indicating whether this partition's last chunk was cut after a record's watermark.</summary>
        public bool Cut { get; set; }

        public void EmitWatermark(long watermark)
        {
            if (watermark > Watermark)
            {
                Watermark = watermark;
                Raised = true;
            }

            Idle = false;
        }

        public void MarkIdle() => Idle = true;

        public void MarkActive() => Idle = false;

        /// <summary>The partition delivered everything: it counts as at the end of time from now on.</summary>
        public bool Ended { get; private set; }

        public void EndInput()
        {
            Ended = true;
            Idle = false;
            Watermark = Operators.Watermark.EndOfInput;
        }
    }
}
