namespace ActorFlow.Persistence.Partitioning;

/// <summary>
/// An inclusive range of key groups [<see cref="StartInclusive"/>, <see cref="EndInclusive"/>], as assigned to one
/// parallel instance (Flink's <c>KeyGroupRange</c>). An empty range has <see cref="Count"/> 0.
/// </summary>
/// <param name="StartInclusive">The first key group of the range.</param>
/// <param name="EndInclusive">The last key group of the range (less than <paramref name="StartInclusive"/> when empty).</param>
public readonly record struct KeyGroupRange(int StartInclusive, int EndInclusive)
{
    /// <summary>The number of key groups in the range (0 when empty).</summary>
    public int Count => Math.Max(0, EndInclusive - StartInclusive + 1);

    /// <summary>Whether <paramref name="keyGroup"/> lies in this range.</summary>
    /// <param name="keyGroup">A key group index.</param>
    /// <returns><c>true</c> when the range holds the key group.</returns>
    public bool Contains(int keyGroup) => keyGroup >= StartInclusive && keyGroup <= EndInclusive;

    /// <summary>The key groups of the range, in ascending order.</summary>
    /// <returns>Every key group from <see cref="StartInclusive"/> to <see cref="EndInclusive"/>.</returns>
    public IEnumerable<int> Enumerate() => Enumerable.Range(StartInclusive, Count);

    /// <inheritdoc />
    public override string ToString() => $"KeyGroupRange[{StartInclusive}..{EndInclusive}]";
}
