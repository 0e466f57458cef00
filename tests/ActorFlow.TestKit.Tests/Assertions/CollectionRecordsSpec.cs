using ActorFlow.Operators;
using ActorFlow.Operators.Functions;

namespace ActorFlow.TestKit.Tests.Assertions;

/// <summary>
/// Records that are collections (a list, an array, a dictionary) or tuples holding them compare by their contents in
/// the assertions, as Java's <c>List.equals</c> makes them compare in Flink's harness assertions: a function emitting a
/// <c>List&lt;long&gt;</c> failed <c>AssertOutput([1L, 2L])</c> with "Expected: List`1, Actual: List`1" (found by a
/// review porting Flink harness tests). A mismatch shows the contents.
/// </summary>
public sealed class CollectionRecordsSpec
{
    /// <summary>Verify that the harness compares emitted lists, and timestamped lists, by their elements.</summary>
    [Fact]
    public void Emitted_lists_must_compare_by_their_elements()
    {
        var h = OperatorHarness.For(KeyedProcessOperators.Create(new Pairs()));
        h.ProcessElement("a", 1, 10);
        h.ProcessElement("a", 2, 20);

        h.AssertOutput([1L], [1L, 2L]);
        h.AssertOutputInAnyOrder([1L, 2L], [1L]);
        h.AssertTimestampedOutput(([1L], 10), ([1L, 2L], 20));
        var mismatch = Assert.Throws<OutputMismatchException>(() => h.AssertOutput([1L], [2L, 1L]));
        Assert.Contains("[1, 2]", mismatch.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 1]", mismatch.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify arrays, dictionaries (in any order of their entries), nesting and tuples, and that order and contents still matter.</summary>
    [Fact]
    public void Collections_and_tuples_must_compare_by_contents()
    {
        OutputAssert.Ordered([new[] { "x", "y" }], [["x", "y"]]);
        OutputAssert.Equivalent(
            [new Dictionary<string, List<int>> { ["a"] = [1], ["b"] = [2, 3] }],
            [new Dictionary<string, List<int>> { ["b"] = [2, 3], ["a"] = [1] }]);
        OutputAssert.Ordered([("k", new List<int> { 1 })], [("k", new List<int> { 1 })]);

        OutputAssert.Equivalent([new HashSet<int> { 1, 2 }], [new HashSet<int> { 2, 1 }]); // a set in any order, as Java's Set.equals
        OutputAssert.Ordered([new Money(5)], [new Money(5)]); // a type's own equality (IEquatable<T> alone) still counts

        Assert.Throws<OutputMismatchException>(() => OutputAssert.Ordered([new[] { "x", "y" }], [["y", "x"]]));
        Assert.Throws<OutputMismatchException>(() => OutputAssert.Equivalent([new HashSet<int> { 1, 2 }], [new HashSet<int> { 1, 3 }]));
        Assert.Throws<OutputMismatchException>(() => OutputAssert.Equivalent(
            [new Dictionary<string, int> { ["a"] = 1 }], [new Dictionary<string, int> { ["a"] = 2 }]));
        Assert.Throws<OutputMismatchException>(() => OutputAssert.Ordered([("k", new List<int> { 1 })], [("k", new List<int> { 1, 1 })]));
    }

    /// <summary>A value whose equality is its IEquatable implementation alone (no Equals(object) override).</summary>
#pragma warning disable CA1067 // the point of the type: equality through IEquatable<T> only
    private sealed class Money(int cents) : IEquatable<Money>
#pragma warning restore CA1067
    {
        public bool Equals(Money? other) => other is not null && other.Cents == Cents;

        public override int GetHashCode() => Cents;

        private int Cents { get; } = cents;
    }

    /// <summary>Emits, per record, the list of the key's values so far.</summary>
    private sealed class Pairs : KeyedProcessFunction<string, long, List<long>>
    {
        private readonly List<long> _seen = [];

        public override void ProcessElement(long value, Context context, ICollector<List<long>> output)
        {
            _seen.Add(value);
            output.Collect([.. _seen]);
        }
    }
}
