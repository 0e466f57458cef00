namespace ActorFlow.Operators;

/// <summary>Receives the results of a user function. The operator stamps each result with the timestamp
/// of the record, timer or window (max timestamp) being processed.</summary>
/// <typeparam name="T">The result type.</typeparam>
public interface ICollector<in T>
{
    /// <summary>Emits one result.</summary>
    /// <param name="value">The result.</param>
    void Collect(T value);
}
