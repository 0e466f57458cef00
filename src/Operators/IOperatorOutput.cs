namespace ActorFlow.Operators;

/// <summary>
/// Receives what an operator emits while it processes a record, a watermark or a processing-time advance:
/// main-output records and tagged side-output records. The host (e.g. a key-group actor) implements it,
/// typically by appending to the reply batch. Calls happen synchronously, on the caller's thread, inside
/// the operator call; the operator never keeps a reference to the output after the call returns.
/// </summary>
/// <typeparam name="TOut">The main output type.</typeparam>
public interface IOperatorOutput<in TOut>
{
    /// <summary>Receives one main-output record.</summary>
    /// <param name="value">The record.</param>
    /// <param name="timestamp">Its event timestamp (a window result carries the window's max timestamp).</param>
    void Collect(TOut value, long timestamp);

    /// <summary>Receives one side-output record.</summary>
    /// <typeparam name="T">The side output's record type.</typeparam>
    /// <param name="tag">The side output (see <see cref="OutputTags"/> for the built-in ones).</param>
    /// <param name="value">The record.</param>
    /// <param name="timestamp">Its event timestamp.</param>
    void CollectSide<T>(OutputTag<T> tag, T value, long timestamp);
}
