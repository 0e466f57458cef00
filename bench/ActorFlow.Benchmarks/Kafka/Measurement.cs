namespace ActorFlow.Benchmarks.Kafka;

/// <summary>One timed run: how many records in how long.</summary>
/// <param name="Records">Records produced or consumed.</param>
/// <param name="Elapsed">Wall-clock time from creating the client to the last record acknowledged/received.</param>
/// <param name="FirstRecord">For consumers: time from creating the client to the first record (start-up), else null.</param>
public sealed record Measurement(long Records, TimeSpan Elapsed, TimeSpan? FirstRecord = null)
{
    /// <summary>Records per second.</summary>
    public double Rate => Records / Elapsed.TotalSeconds;

    /// <summary>Records per second after the first record (start-up excluded), or null when not measured.</summary>
    public double? SteadyRate => FirstRecord is { } first && Elapsed > first ? (Records - 1) / (Elapsed - first).TotalSeconds : null;
}
