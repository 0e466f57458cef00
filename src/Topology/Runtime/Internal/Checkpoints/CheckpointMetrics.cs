using System.Diagnostics.Metrics;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. Checkpoint instruments on the <c>ActorFlow</c> meter.</summary>
internal static class CheckpointMetrics
{
    private static readonly Meter Meter = new(JobMetrics.MeterName + ".Checkpoints");
    private static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("actorflow.checkpoint.duration", "ms", "Time from barrier to durable checkpoint record.");
    private static readonly Histogram<long> Size = Meter.CreateHistogram<long>("actorflow.checkpoint.size", "bytes", "Total snapshot size of a complete checkpoint.");
    private static readonly Counter<long> Failures = Meter.CreateCounter<long>("actorflow.checkpoint.failed", "checkpoints", "Checkpoints aborted (timeout or failure).");

    public static void Completed(string job, TimeSpan duration, long bytes)
    {
        var tag = new KeyValuePair<string, object?>("job", job);
        Duration.Record(duration.TotalMilliseconds, tag);
        Size.Record(bytes, tag);
    }

    public static void Failed(string job) => Failures.Add(1, new KeyValuePair<string, object?>("job", job));
}
