using ActorFlow.Persistence.Checkpoints;
using Akka.Event;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Keeps a job's newest failures in its checkpoint store, where <c>actorflow status</c> reads them.
/// Best effort: a store that cannot take the record is logged and changes nothing else (the failure itself is
/// handled and logged where it happened).
/// </summary>
internal static class JobFailures
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>"TypeName: message" of the failure itself (not of a wrapper around one failure).</summary>
    public static string Describe(Exception e)
    {
        while (e is AggregateException { InnerExceptions.Count: 1 } single)
        {
            e = single.InnerExceptions[0];
        }

        // A library's wrapper (Parquet.Net's "failed to serialise data column") hides the cause an operator acts on
        // ("No space left on device"): the innermost exception is named too when its message is not in the outer one.
        var cause = e.GetBaseException();
        return ReferenceEquals(cause, e) || e.Message.Contains(cause.Message, StringComparison.Ordinal)
            ? $"{e.GetType().Name}: {e.Message}"
            : $"{e.GetType().Name}: {e.Message} (caused by {cause.GetType().Name}: {cause.Message})";
    }

    /// <summary>Stores <paramref name="failure"/>; never throws.</summary>
    public static async Task RecordAsync(ICheckpointStore store, JobFailure failure, ILoggingAdapter log)
    {
        try
        {
            await store.RecordFailureAsync(failure).WaitAsync(Timeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            log.Warning("Job {0}: could not record its failure in the checkpoint store: {1}", failure.JobId, e.Message);
        }
    }
}
