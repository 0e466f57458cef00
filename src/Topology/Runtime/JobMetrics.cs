using System.Diagnostics.Metrics;

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// The runtime's instruments, on the <see cref="System.Diagnostics.Metrics.Meter"/> named <c>ActorFlow</c> so that
/// OpenTelemetry (<c>AddMeter("ActorFlow*")</c>, which also takes the checkpoint metrics on <c>ActorFlow.Checkpoints</c>) or dotnet-counters can export them. Every measurement is tagged with
/// <c>job</c> (and <c>operator</c> where it applies).
/// </summary>
public static class JobMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "ActorFlow";

    private static readonly Meter Meter = new(MeterName);

    /// <summary>Watermark readers of the running jobs, by job name.</summary>
    internal static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<long>> Watermarks = new(StringComparer.Ordinal);

    internal static Counter<long> RecordsIn { get; } = Meter.CreateCounter<long>("actorflow.records.in", "records", "Records read by the job's sources.");

    internal static Counter<long> RecordsOut { get; } = Meter.CreateCounter<long>("actorflow.records.out", "records", "Records emitted by the job's operator to its main output.");

    internal static Counter<long> LateRecords { get; } = Meter.CreateCounter<long>("actorflow.records.late", "records", "Records later than the allowed lateness (late side output).");

    internal static Counter<long> DeadLetters { get; } = Meter.CreateCounter<long>("actorflow.records.dead", "records", "Records that failed decoding, timestamps or user code.");

    internal static Counter<long> KeyGroupRestarts { get; } = Meter.CreateCounter<long>("actorflow.keygroup.restarts", "restarts", "Operators of a key group restarted alone from their last state after throwing (no job failover).");

    internal static Counter<long> JobRestarts { get; } = Meter.CreateCounter<long>("actorflow.job.restarts", "restarts", "Job failovers: runs restarted from the last complete checkpoint after a failure.");

    private static readonly ObservableGauge<long> WatermarkGauge = Meter.CreateObservableGauge(
        "actorflow.watermark",
        () => Watermarks.Select(w => new Measurement<long>(w.Value(), new KeyValuePair<string, object?>("job", w.Key))),
        "ms",
        "Current watermark per running job (epoch ms).");


    /// <summary>The gauge's name, for exporters.</summary>
    public static string WatermarkInstrument => WatermarkGauge.Name;
}
