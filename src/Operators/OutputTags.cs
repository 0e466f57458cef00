namespace ActorFlow.Operators;

/// <summary>The side outputs that operators emit on their own.</summary>
public static class OutputTags
{
    /// <summary>The id of the late-data side output.</summary>
    public const string LateDataId = "late-data";

    /// <summary>The id of the late-data side output of a join's second input.</summary>
    public const string LateDataRightId = "late-data-right";

    /// <summary>The id of the rejected-records side output.</summary>
    public const string RejectedId = "rejected";

    /// <summary>The side output that receives records later than the allowed lateness (windows) or later
    /// than the watermark (interval join, first input). Operators count these records too.</summary>
    /// <typeparam name="T">The input record type.</typeparam>
    /// <returns>The tag.</returns>
    public static OutputTag<T> LateData<T>() => TagCache<T>.Late;

    /// <summary>The keyed late-data side output of window operators: late records with their key (a
    /// <see cref="LateRecord{TKey,T}"/>), when chosen with <c>WithLateDataOutput</c> instead of
    /// <see cref="LateData{T}"/>. Its id is <see cref="LateDataId"/> as well, so hosts count its records as late.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="T">The input record type.</typeparam>
    /// <returns>The tag.</returns>
    public static OutputTag<LateRecord<TKey, T>> LateRecords<TKey, T>() => KeyedTagCache<TKey, T>.Late;

    /// <summary>The late-data side output for the second input of a join.</summary>
    /// <typeparam name="T">The second input's record type.</typeparam>
    /// <returns>The tag.</returns>
    public static OutputTag<T> LateDataRight<T>() => TagCache<T>.LateRight;

    /// <summary>The side output that receives records an operator cannot process (a null key, an invalid
    /// event timestamp), each with the reason.</summary>
    /// <typeparam name="T">The input record type.</typeparam>
    /// <returns>The tag.</returns>
    public static OutputTag<RejectedRecord<T>> Rejected<T>() => TagCache<T>.Rejected;

    private static class KeyedTagCache<TKey, T>
    {
        public static readonly OutputTag<LateRecord<TKey, T>> Late = new(LateDataId);
    }

    private static class TagCache<T>
    {
        public static readonly OutputTag<T> Late = new(LateDataId);
        public static readonly OutputTag<T> LateRight = new(LateDataRightId);
        public static readonly OutputTag<RejectedRecord<T>> Rejected = new(RejectedId);
    }
}
