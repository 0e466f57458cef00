using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;

namespace ActorFlow.Operators.Tests.Internal;

/// <summary>
/// The check a batch run makes of an aggregate's merge before it pre-aggregates (<see cref="AggregateMerge.Check"/>):
/// merged accumulators of two records must give what both added to one give, in both orders.
/// </summary>
public sealed class AggregateMergeCheckSpec
{
    private static readonly ITypeSerializer<int> Ints = Serializers.Int32;
    private static readonly ITypeSerializer<List<int>> Lists = Serializers.List(Serializers.Int32);

    /// <summary>Verify that correct merges pass, also for accumulators compared as serialized lists and a result type without value equality.</summary>
    [Fact]
    public void A_merge_that_gives_what_adding_gives_must_pass()
    {
        Assert.Equal(MergeCheck.Agrees, AggregateMerge.Check(new Max(keepFirst: false), Ints, 3, 8));
        Assert.Equal(MergeCheck.Agrees, AggregateMerge.Check(new Collect(), Lists, 3, 8));
        Assert.Equal(MergeCheck.Agrees, AggregateMerge.Check(new Boxed(keepFirst: false), Ints, 3, 8));
    }

    /// <summary>
    /// Verify that a merge returning its first argument fails whichever record comes first (a maximum loses the larger
    /// record in one of the two orders), also when the result hides the difference (a sum whose result is a class).
    /// </summary>
    [Fact]
    public void A_merge_that_drops_an_argument_must_differ_in_either_order()
    {
        Assert.Equal(MergeCheck.Differs, AggregateMerge.Check(new Max(keepFirst: true), Ints, 3, 8));
        Assert.Equal(MergeCheck.Differs, AggregateMerge.Check(new Max(keepFirst: true), Ints, 8, 3));
        Assert.Equal(MergeCheck.Differs, AggregateMerge.Check(new Boxed(keepFirst: true), Ints, 3, 8));
    }

    /// <summary>
    /// Verify that two records with the same accumulator say so (two equal readings cannot show a maximum's wrong merge),
    /// while a count's wrong merge shows on any pair: adding twice differs from adding once.
    /// </summary>
    [Fact]
    public void A_pair_of_equal_accumulators_must_tell_only_what_it_can()
    {
        Assert.Equal(MergeCheck.SameAccumulators, AggregateMerge.Check(new Max(keepFirst: true), Ints, 5, 5));
        Assert.Equal(MergeCheck.SameAccumulators, AggregateMerge.Check(new Boxed(keepFirst: false), Ints, 0, 0));
        Assert.Equal(MergeCheck.Differs, AggregateMerge.Check(new Boxed(keepFirst: true), Ints, 4, 4));
    }

    /// <summary>
    /// Verify that a record Add throws on makes the pair unusable (another record may do), while a throwing merge, or an
    /// accumulator that is the record itself, differs.
    /// </summary>
    [Fact]
    public void Failures_must_be_told_apart()
    {
        Assert.Equal(MergeCheck.FirstUnusable, AggregateMerge.Check(new Max(keepFirst: false) { Poison = 3 }, Ints, 3, 8));
        Assert.Equal(MergeCheck.SecondUnusable, AggregateMerge.Check(new Max(keepFirst: false) { Poison = 8 }, Ints, 3, 8));
        Assert.Equal(MergeCheck.Differs, AggregateMerge.Check(new Max(keepFirst: false) { Throws = true }, Ints, 3, 8));
        Assert.Equal(MergeCheck.Differs, AggregateMerge.Check(new KeepsRecord(), Lists, [1], [2]));
    }

    private sealed class Max(bool keepFirst) : IAggregateFunction<int, int, int>
    {
        public bool Throws { get; init; }

        public int? Poison { get; init; }

        public int CreateAccumulator() => int.MinValue;

        public int Add(int value, int accumulator) => value == Poison ? throw new InvalidOperationException("poison") : Math.Max(value, accumulator);

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

    /// <summary>The first record's list is the accumulator (Add returns it): checking would change a record that goes on.</summary>
    private sealed class KeepsRecord : IAggregateFunction<List<int>, List<int>, int>
    {
        public List<int> CreateAccumulator() => [];

        public List<int> Add(List<int> value, List<int> accumulator)
        {
            if (accumulator.Count == 0)
            {
                return value;
            }

            accumulator.AddRange(value);
            return accumulator;
        }

        public int GetResult(List<int> accumulator) => accumulator.Sum();

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
