using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;

namespace ActorFlow.Operators.Tests.Internal;

/// <summary>
/// The check a batch run makes of an aggregate's merge before it pre-aggregates (<see cref="AggregateMerge.Agrees"/>):
/// merged accumulators of two records must give what both added to one give, in both orders.
/// </summary>
public sealed class AggregateMergeCheckSpec
{
    private static readonly ITypeSerializer<int> Ints = Serializers.Int32;
    private static readonly ITypeSerializer<List<int>> Lists = Serializers.List(Serializers.Int32);

    /// <summary>Verify that correct merges pass, also with a collection result compared element by element.</summary>
    [Fact]
    public void A_merge_that_gives_what_adding_gives_must_pass()
    {
        Assert.True(AggregateMerge.Agrees(new Max(keepFirst: false), Ints, 3, 8));
        Assert.True(AggregateMerge.Agrees(new Collect(), Lists, 3, 8));
    }

    /// <summary>
    /// Verify that a merge returning its first argument fails whichever record comes first: a maximum loses the larger
    /// record in one of the two orders.
    /// </summary>
    [Fact]
    public void A_merge_that_drops_an_argument_must_fail_in_either_order()
    {
        Assert.False(AggregateMerge.Agrees(new Max(keepFirst: true), Ints, 3, 8));
        Assert.False(AggregateMerge.Agrees(new Max(keepFirst: true), Ints, 8, 3));
    }

    /// <summary>Verify that a merge that throws fails the check instead of throwing.</summary>
    [Fact]
    public void A_throwing_merge_must_fail()
    {
        Assert.False(AggregateMerge.Agrees(new Max(keepFirst: false) { Throws = true }, Ints, 3, 8));
    }

    /// <summary>
    /// Verify that a result type without value equality is judged by its accumulators' serialized bytes: a correct sum
    /// passes, one whose merge drops an argument fails.
    /// </summary>
    [Fact]
    public void A_result_without_equality_must_be_judged_by_its_accumulators()
    {
        Assert.True(AggregateMerge.Agrees(new Boxed(keepFirst: false), Ints, 3, 8));
        Assert.False(AggregateMerge.Agrees(new Boxed(keepFirst: true), Ints, 3, 8));
    }

    private sealed class Max(bool keepFirst) : IAggregateFunction<int, int, int>
    {
        public bool Throws { get; init; }

        public int CreateAccumulator() => int.MinValue;

        public int Add(int value, int accumulator) => Math.Max(value, accumulator);

        public int GetResult(int accumulator) => accumulator;

        public int Merge(int a, int b) => Throws ? throw new NotSupportedException("tumbling windows only") : keepFirst ? a : Math.Max(a, b);
    }

    private sealed class Collect : IAggregateFunction<int, List<int>, List<int>>
    {
        public List<int> CreateAccumulator() => [];

        public List<int> Add(int value, List<int> accumulator)
        {
            accumulator.Add(value);
            return accumulator;
        }

        public List<int> GetResult(List<int> accumulator) => accumulator;

        public List<int> Merge(List<int> a, List<int> b)
        {
            a.AddRange(b);
            return a;
        }
    }

    /// <summary>A sum whose result is a class without value equality.</summary>
    private sealed class Boxed(bool keepFirst) : IAggregateFunction<int, int, Boxed.Total>
    {
        public int CreateAccumulator() => 0;

        public int Add(int value, int accumulator) => accumulator + value;

        public Total GetResult(int accumulator) => new(accumulator);

        public int Merge(int a, int b) => keepFirst ? a : a + b;

        public sealed class Total(int value)
        {
            public int Value { get; } = value;
        }
    }
}
