namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. A job's record counts over all its runs, for its <see cref="JobSummary"/>. Thread-safe.</summary>
internal sealed class JobCounters(string job = "")
{
    private readonly KeyValuePair<string, object?> _tag = new("job", job);
    private long _read;
    private long _emitted;
    private long _dead;
    private long _late;
    private long _checkpoints;

    public long Read => Interlocked.Read(ref _read);

    public long Emitted => Interlocked.Read(ref _emitted);

    public long Dead => Interlocked.Read(ref _dead);

    public long Late => Interlocked.Read(ref _late);

    public long Checkpoints => Interlocked.Read(ref _checkpoints);

    public void AddRead(long count)
    {
        Interlocked.Add(ref _read, count);
        if (count > 0)
        {
            JobMetrics.RecordsIn.Add(count, _tag);
        }
    }

    public void AddEmitted(long count) => Interlocked.Add(ref _emitted, count);

    public void AddDead(long count) => Interlocked.Add(ref _dead, count);

    public void AddLate(long count) => Interlocked.Add(ref _late, count);

    public void CheckpointCompleted() => Interlocked.Increment(ref _checkpoints);
}
