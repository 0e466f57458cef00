namespace ActorFlow.Operators.Internal;

/// <summary>
/// INTERNAL API. Lets the host tell an operator to isolate failures of user code that runs outside per-record calls
/// (a window function while a window fires, a timer callback): with <see cref="IsolateFailures"/> on, such a failure
/// emits a <see cref="FiringFailure"/> on <see cref="FailureIsolation.Failed"/> instead of throwing, whatever the
/// failed call had emitted is dropped, and the operator goes on as if the firing had happened. The host turns it on
/// once a failure proved deterministic (it threw again after a restart from the last state), so that one poison key
/// cannot stop its key group.
/// </summary>
internal interface IIsolatesFailures
{
    bool IsolateFailures { get; set; }
}

/// <summary>
/// INTERNAL API. A failure of the operator, not of the record it was given: the host neither turns it into the record's
/// dead letter nor goes on, but restarts the operator (and fails over when that does not help).
/// </summary>
internal abstract class OperatorFailureException(string message, Exception? inner) : InvalidOperationException(message, inner);

/// <summary>
/// INTERNAL API. A window function that threw while a window fired for a record (a trigger that fires on elements, a
/// late record within the allowed lateness): the record was added to its windows already, so the failure is the firing's,
/// not the record's. The host restarts the key group and applies the record again with firings isolated, as for a
/// timer's firing: one that throws again becomes a <see cref="FiringFailure"/> naming the window.
/// </summary>
internal sealed class FiringException(string message, Exception inner) : OperatorFailureException(message, inner);

/// <summary>INTERNAL API. A firing whose user code threw: the key, what fired (a window, a timer) and the error.</summary>
internal sealed record FiringFailure(object? Key, string What, Exception Error);

/// <summary>INTERNAL API. The side output of isolated failures.</summary>
internal static class FailureIsolation
{
    public const string FailedId = "actorflow-failed-firing";

    public static readonly OutputTag<FiringFailure> Failed = new(FailedId);
}

/// <summary>
/// INTERNAL API. Holds what one isolated firing emits until it has succeeded (then <see cref="FlushTo"/> passes it
/// on in order) or failed (then <see cref="Discard"/> drops it), so a failed firing emits nothing but its failure.
/// </summary>
internal sealed class IsolatedOutput<TOut> : IOperatorOutput<TOut>
{
    // In emission order: a main-output record (Side null), or a side output as the call that emits it (rare).
    private readonly List<(TOut Value, long Timestamp, Action<IOperatorOutput<TOut>>? Side)> _pending = [];

    public void Collect(TOut value, long timestamp) => _pending.Add((value, timestamp, null));

    public void CollectSide<T>(OutputTag<T> tag, T value, long timestamp) => _pending.Add((default!, timestamp, o => o.CollectSide(tag, value, timestamp)));

    public void FlushTo(IOperatorOutput<TOut> target)
    {
        foreach (var (value, timestamp, side) in _pending)
        {
            if (side is null)
            {
                target.Collect(value, timestamp);
            }
            else
            {
                side(target);
            }
        }

        _pending.Clear();
    }

    public void Discard() => _pending.Clear();
}
