using ActorFlow.Topology.Connectors;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. A chunk entering the watermark assigner: records of one partition, or a periodic tick (null partition).
/// With <see cref="End"/> (bounded sources only) it marks the end of a partition's input, or with a null partition
/// the end of the whole source's input. <see cref="From"/>: the first record to take (the rest of records cut where a
/// watermark moved, <see cref="WatermarkAssigner{T}.ResumeAt"/>).
/// </summary>
internal readonly record struct Incoming<T>(string? Partition, IReadOnlyList<SourceRecord<T>>? Records, bool End = false, int From = 0)
{
    public bool IsTick => Partition is null && !End;
}
