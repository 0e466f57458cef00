namespace ActorFlow.Operators.Internal;

/// <summary>
/// Layout of one keyed state's snapshot section (format version 2): <c>int32 count</c>, then per entry the key,
/// the namespace (start, end), the last access time and the value, length-prefixed (<c>int32 length</c> + bytes) so
/// that restored state can be cleaned up and merged before its value serializer is known (see
/// <see cref="PendingStateTable{TKey}"/>). A value written as <see cref="DeferredMerge"/> is a session merge that
/// still waits for the state's merge function. Version 1 sections (no length prefixes) are read as
/// <see cref="Legacy"/> sections.
/// </summary>
internal static class StateTableFormat
{
    /// <summary>In place of the count: a version 1 section follows (count, entries with unprefixed values).</summary>
    public const int Legacy = -1;

    /// <summary>In place of a value length: <c>bool hasOwnValue</c> (+ value), then <c>int32 n</c> values to merge into it, in order.</summary>
    public const int DeferredMerge = -2;
}
