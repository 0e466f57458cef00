namespace ActorFlow.Operators.Windowing.Evictors;

/// <summary>The buffered records of one window, in arrival order, as an evictor sees them.</summary>
public interface IEvictionBuffer
{
    /// <summary>Gets the number of records.</summary>
    int Count { get; }

    /// <summary>Gets the timestamp of one record.</summary>
    /// <param name="index">0 to <see cref="Count"/> − 1.</param>
    /// <returns>Epoch ms.</returns>
    long GetTimestamp(int index);

    /// <summary>Removes the records for which <paramref name="evict"/> returns <c>true</c> (given the record's index and timestamp).</summary>
    /// <param name="evict">The predicate.</param>
    void RemoveWhere(Func<int, long, bool> evict);

    /// <summary>Removes the first <paramref name="count"/> records.</summary>
    /// <param name="count">How many.</param>
    void RemoveFirst(int count);
}
