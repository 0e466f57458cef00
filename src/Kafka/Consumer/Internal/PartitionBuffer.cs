using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>INTERNAL API. Records of one assigned partition not yet taken by a stage. Guarded by the hub's lock.</summary>
internal sealed class PartitionBuffer<TKey, TValue>(TopicPartition partition, int generation)
{
    public TopicPartition Partition { get; } = partition;

    public int Generation { get; } = generation;

    public Queue<ConsumeResult<TKey, TValue>> Records { get; } = new();

    /// <summary>The offset the partition starts at in this assignment, when the hub resolved it (<see cref="ConsumerHub{TKey, TValue}.ResolveStarts"/>).</summary>
    public long? Start { get; init; }

    /// <summary>The offset after the last record handed out of this buffer (taken by the partition's source), or null.</summary>
    public long? Next { get; set; }

    /// <summary>True while the partition is paused because this buffer is full.</summary>
    public bool Paused { get; set; }

    /// <summary>True once a resume command is queued for the poll thread.</summary>
    public bool ResumeQueued { get; set; }

    /// <summary>A bounded partition whose position reached its end: once its records are taken, it is complete.</summary>
    public bool Ended { get; set; }

    /// <summary>A sub-source waiting for records of this partition.</summary>
    public Action? Waiter { get; set; }
}

/// <summary>INTERNAL API. What <see cref="ConsumerHub{TKey,TValue}.Take"/> found.</summary>
internal enum TakeStatus
{
    /// <summary>Records were added.</summary>
    Data,

    /// <summary>Nothing now; the waiter will be called when something arrives.</summary>
    Empty,

    /// <summary>No more records: stopped, or (for one partition) revoked.</summary>
    Completed,

    /// <summary>The consumer failed; see <see cref="ConsumerHub{TKey,TValue}.Failure"/>.</summary>
    Failed,
}

/// <summary>INTERNAL API. A record handed to a stage, with the assignment generation it was read in.</summary>
internal readonly record struct Polled<TKey, TValue>(ConsumeResult<TKey, TValue> Record, int Generation);
