namespace ActorFlow.Benchmarks.Kafka;

/// <summary>One timed run: how many records in how long.</summary>
/// <param name="Records">Records produced or consumed.</param>
/// <param name="Elapsed">Wall-clock time from the first record handed over to the last one acknowledged/received.</param>
public sealed record Measurement(long Records, TimeSpan Elapsed)
{
    /// <summary>Records per second.</summary>
    public double Rate => Records / Elapsed.TotalSeconds;
}
