namespace ActorFlow.Operators;

/// <summary>
/// Watermark values. A watermark is, like a timestamp, <see cref="long"/> epoch milliseconds: the promise that no
/// record with a timestamp at or below it follows.
/// </summary>
public static class Watermark
{
    /// <summary>
    /// The watermark that ends the input (<see cref="long.MaxValue"/>, Flink's <c>Watermark.MAX_WATERMARK</c>): no
    /// record follows, so <c>ProcessWatermark(Watermark.EndOfInput, output)</c> fires every event-time window and
    /// timer still pending (windows' final results and their cleanup). Send it when a bounded input is exhausted.
    /// No record can carry this value as its timestamp (<see cref="Timestamps.IsValid"/>).
    /// </summary>
    public const long EndOfInput = long.MaxValue;
}
