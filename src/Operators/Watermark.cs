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

    /// <summary>
    /// The watermark to resume at when restoring one from a snapshot or a checkpoint: itself, except
    /// <see cref="EndOfInput"/>, which gives <see cref="long.MinValue"/>. A snapshot taken after the end of a bounded
    /// input (a bounded run's final checkpoint) holds no pending event-time window or timer; a run restored from it reads
    /// new input (a bounded Kafka source continues from the offsets where the last run ended), and event time starts
    /// again for that input instead of judging every record of it late. Flink restores no watermark at all. The built-in
    /// operators call it in <see cref="IKeyedOperator.Restore"/>; an operator of yours that snapshots its watermark should too.
    /// </summary>
    /// <param name="watermark">The watermark the snapshot or checkpoint holds.</param>
    /// <returns>The watermark to resume at.</returns>
    public static long Restored(long watermark) => watermark == EndOfInput ? long.MinValue : watermark;
}
