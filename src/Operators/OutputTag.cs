namespace ActorFlow.Operators;

/// <summary>
/// Names a side output of an operator (as Flink's <c>OutputTag</c>). Two tags are equal when their ids and
/// element types are equal.
/// </summary>
/// <typeparam name="T">The type of the side-output records.</typeparam>
public sealed class OutputTag<T> : IEquatable<OutputTag<T>>
{
    /// <summary>Creates a tag.</summary>
    /// <param name="id">A non-empty name, unique within the job.</param>
    /// <exception cref="ArgumentException"><paramref name="id"/> is null or empty.</exception>
    public OutputTag(string id)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        Id = id;
    }

    /// <summary>Gets the tag's name.</summary>
    public string Id { get; }

    /// <summary>Gets the type of the records sent to this side output.</summary>
    public Type ElementType => typeof(T);

    /// <summary>
    /// Reads a record a host collected under this tag's id as an object: the record, or a clear exception when the
    /// operator sent records of another type under this id (the tag's element type is wrong). For hosts that route
    /// side outputs by id (the runtime's side sinks).
    /// </summary>
    /// <param name="value">The record as collected.</param>
    /// <returns>The record.</returns>
    /// <exception cref="InvalidOperationException"><paramref name="value"/> is not a <typeparamref name="T"/>.</exception>
    internal T ReadValue(object? value) => value switch
    {
        T typed => typed,
        null when default(T) is null => default!,
        _ => throw new InvalidOperationException(
            $"The side output '{Id}' carries records of type {value?.GetType().ToString() ?? "null"}, not {typeof(T)}: use an OutputTag<{value?.GetType().Name ?? "?"}> for it."),
    };

    /// <inheritdoc />
    public bool Equals(OutputTag<T>? other) => other is not null && string.Equals(Id, other.Id, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OutputTag<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Id);

    /// <inheritdoc />
    public override string ToString() => $"OutputTag<{typeof(T).Name}>({Id})";
}
