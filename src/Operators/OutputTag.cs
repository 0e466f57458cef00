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

    /// <inheritdoc />
    public bool Equals(OutputTag<T>? other) => other is not null && string.Equals(Id, other.Id, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is OutputTag<T> other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Id);

    /// <inheritdoc />
    public override string ToString() => $"OutputTag<{typeof(T).Name}>({Id})";
}
