namespace ActorFlow.Operators.Internal;

/// <summary>
/// INTERNAL API. An operator with processing-time timers that fires all of them at the end of a bounded input in batch
/// mode, as Flink's batch-mode timer service does at the end of each key (after the event-time timers): processing time
/// does not advance during a batch run, so a timer still pending then (a timeout, a processing-time window) would
/// never fire. Timers registered while they fire are dropped (the queue is quiesced), as Flink's. The operator's
/// processing-time clock is left as it was, so a job restored from the run's final checkpoint keeps its time.
/// </summary>
internal interface IEndsProcessingTime<out TOut>
{
    /// <summary>Fires every pending processing-time timer, in time order, and refuses new ones from then on.</summary>
    void EndProcessingTime(IOperatorOutput<TOut> output);
}
