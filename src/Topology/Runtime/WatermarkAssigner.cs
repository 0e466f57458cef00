using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;

namespace ActorFlow.Topology.Runtime;

/// <summary>INTERNAL API. An element entering the watermark assigner: a record of one partition, or a periodic tick.</summary>
internal readonly record struct Incoming<T>(string? Partition, SourceRecord<T> Record)
{
    public bool IsTick => Partition is null;
}

/// <summary>
/// INTERNAL API. Assigns timestamps and watermarks per source partition and combines them as the minimum over the
/// active (non-idle) partitions. Records that fail to decode or to yield a timestamp become dead letters.
/// Runs inside one stream stage, so it needs no locks.
/// </summary>
internal sealed class WatermarkAssigner<T>(WatermarkStrategy<T> strategy, TimeProvider timeProvider)
{
    private readonly Dictionary<string, PartitionClock> _partitions = new(StringComparer.Ordinal);
    private readonly ITimestampAssigner<T> _timestamps = strategy.CreateTimestampAssigner();
    private long _combined = long.MinValue;

    public long Watermark => _combined;

    public Element<T> OnIncoming(Incoming<T> incoming)
    {
        if (incoming.IsTick)
        {
            foreach (var p in _partitions.Values)
            {
                p.Generator.OnPeriodicEmit(p);
            }

            Recombine();
            return Element<T>.Tick(_combined);
        }

        var record = incoming.Record;
        if (record.Error is not null)
        {
            return new Element<T>(ElementKind.Dead, default!, record.Timestamp, _combined,
                new DeadLetter($"decoding failed: {record.Error.GetType().Name}: {record.Error.Message}", record.Origin, record.Offset, record.RawKey, record.RawValue),
                incoming.Partition, record.Offset);
        }

        long timestamp;
        try
        {
            timestamp = _timestamps.ExtractTimestamp(record.Value!, record.Timestamp);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new Element<T>(ElementKind.Dead, default!, record.Timestamp, _combined,
                new DeadLetter($"timestamp assigner failed: {e.GetType().Name}: {e.Message}", record.Origin, record.Offset, record.RawKey, record.RawValue),
                incoming.Partition, record.Offset);
        }

        if (!_partitions.TryGetValue(incoming.Partition!, out var clock))
        {
            clock = new PartitionClock(strategy.CreateWatermarkGenerator(timeProvider));
            _partitions[incoming.Partition!] = clock;
        }

        clock.Idle = false;
        clock.Generator.OnEvent(record.Value!, timestamp, clock);
        Recombine();
        return new Element<T>(ElementKind.Record, record.Value!, timestamp, _combined, null, incoming.Partition, record.Offset);
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

    private sealed class PartitionClock(IWatermarkGenerator<T> generator) : IWatermarkOutput
    {
        public IWatermarkGenerator<T> Generator { get; } = generator;

        public long Watermark { get; private set; } = long.MinValue;

        public bool Idle { get; set; }

        public void EmitWatermark(long watermark) => Watermark = Math.Max(Watermark, watermark);

        public void MarkIdle() => Idle = true;

        public void MarkActive() => Idle = false;
    }
}
