using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Joins;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Joins.Flink;

// Flink: IntervalJoinOperatorTest (bounds inclusive/exclusive in every sign combination, with the left or the right input
// faster; state cleanup; late data; restore). Records are "lhs"/"rhs" at a timestamp; the watermark is the minimum of the
// two inputs' watermarks, as Flink's two-input valve computes it.
public sealed class FlinkIntervalJoinSpec
{
    /// <summary>Verify the pairs Flink's interval join emits for each kind of bounds, whichever input runs ahead.</summary>
    /// <param name="lower">The lower bound.</param>
    /// <param name="lowerInclusive">Whether it is inclusive.</param>
    /// <param name="upper">The upper bound.</param>
    /// <param name="upperInclusive">Whether it is inclusive.</param>
    /// <param name="expected">Flink's pairs "left-right".</param>
    [Theory]
    [InlineData(1, true, 3, false, "1-2 1-3 2-3 2-4 3-4")]
    [InlineData(-3, false, -1, true, "2-1 3-1 3-2 4-2 4-3")]
    [InlineData(-2, true, -1, true, "2-1 3-1 3-2 4-2 4-3")]
    [InlineData(-1, true, 1, true, "1-1 1-2 2-1 2-2 2-3 3-2 3-3 3-4 4-3 4-4")]
    [InlineData(1, true, 2, true, "1-2 1-3 2-3 2-4 3-4")]
    [InlineData(-3, false, -1, false, "3-1 4-2")]
    [InlineData(-1, false, 1, false, "1-1 2-2 3-3 4-4")]
    [InlineData(1, false, 3, false, "1-3 2-4")]
    public void Bounds_must_pair_as_in_Flink(long lower, bool lowerInclusive, long upper, bool upperInclusive, string expected)
    {
        foreach (var leftFaster in new[] { true, false })
        {
            var join = new Driver(lower, lowerInclusive, upper, upperInclusive);
            for (var pass = 0; pass < 2; pass++)
            {
                for (var i = 1; i <= 4; i++)
                {
                    if ((pass == 0) == leftFaster)
                    {
                        join.Left(i).Watermark1(i);
                    }
                    else
                    {
                        join.Right(i).Watermark2(i);
                    }
                }
            }

            Assert.Equal(expected.Split(' ').Order(StringComparer.Ordinal), join.Pairs());
            Assert.Empty(join.Late());
        }
    }

    /// <summary>Verify that each pair carries the larger of the two timestamps.</summary>
    [Fact]
    public void A_pair_must_carry_the_larger_timestamp()
    {
        var join = new Driver(-1, true, 1, true);
        join.Left(1).Right(2).Right(1).Left(2);
        Assert.Equal([("1-2", 2L), ("1-1", 1L), ("2-2", 2L), ("2-1", 2L)], join.H.Output.Select(r => (r.Value, r.Timestamp)));
    }

    /// <summary>Verify when each side's buffered records are dropped as the watermark moves (Flink's four state-cleanup cases).</summary>
    /// <param name="lower">The lower bound.</param>
    /// <param name="lowerInclusive">Whether it is inclusive.</param>
    /// <param name="upper">The upper bound.</param>
    /// <param name="upperInclusive">Whether it is inclusive.</param>
    /// <param name="leftAt1">Left buffer after watermark 1.</param>
    /// <param name="rightAt1">Right buffer after watermark 1.</param>
    /// <param name="leftAt4">Left buffer after watermark 4.</param>
    /// <param name="rightAt4">Right buffer after watermark 4.</param>
    [Theory]
    [InlineData(-1, true, 0, true, "2 3 4 5", "1 2 3 4 5", "5", "4 5")]
    [InlineData(-2, false, 1, false, "2 3 4 5", "1 2 3 4 5", "5", "4 5")]
    [InlineData(0, true, 1, true, "1 2 3 4 5", "2 3 4 5", "4 5", "5")]
    [InlineData(-1, false, 2, false, "1 2 3 4 5", "2 3 4 5", "4 5", "5")]
    public void Buffers_must_be_cleaned_up_as_in_Flink(long lower, bool lowerInclusive, long upper, bool upperInclusive, string leftAt1, string rightAt1, string leftAt4, string rightAt4)
    {
        var join = new Driver(lower, lowerInclusive, upper, upperInclusive);
        for (var i = 1; i <= 5; i++)
        {
            join.Left(i);
        }

        for (var i = 1; i <= 5; i++)
        {
            join.Right(i);
        }

        join.Watermark1(1).Watermark2(1);
        Assert.Equal((leftAt1, rightAt1), (join.Buffer(left: true), join.Buffer(left: false)));
        join.Watermark1(4).Watermark2(4);
        Assert.Equal((leftAt4, rightAt4), (join.Buffer(left: true), join.Buffer(left: false)));
        join.Watermark1(6).Watermark2(6);
        Assert.Equal((string.Empty, string.Empty), (join.Buffer(left: true), join.Buffer(left: false)));
    }

    /// <summary>Verify that records behind the watermark are not joined (Flink drops them, or sends them to its late tags; ActorFlow
    /// always sends them to the late outputs) while a record at the watermark still joins.</summary>
    [Fact]
    public void Records_behind_the_watermark_must_be_late_as_in_Flink()
    {
        var join = new Driver(-1, true, 1, true);
        join.Left(3).Right(3).Watermark1(3).Watermark2(3);
        join.Left(4).Right(4).Left(1).Right(2).Left(5).Right(5);
        Assert.Equal(["3-3", "3-4", "4-3", "4-4", "4-5", "5-4", "5-5"], join.Pairs());
        Assert.Equal(["lhs@1", "rhs@2"], join.Late());
    }

    /// <summary>Verify that a record exactly at the watermark is not late (Flink's test is timestamp &lt; watermark) and still joins.</summary>
    [Fact]
    public void A_record_at_the_watermark_must_not_be_late()
    {
        var join = new Driver(0, true, 2, true);
        join.Left(3).Watermark1(3).Watermark2(3);
        join.Right(3).Left(3);
        Assert.Equal(["3-3", "3-3"], join.Pairs());
        Assert.Empty(join.Late());
    }

    /// <summary>Verify Flink's discard-late-data case: a late left record is not joined again.</summary>
    [Fact]
    public void A_late_record_must_not_be_joined_again()
    {
        var join = new Driver(-1, true, 1, true);
        join.Left(1).Right(1).Left(2).Right(2).Left(3).Right(3).Watermark1(3).Watermark2(3);
        join.Left(1).Left(4).Right(4).Left(5).Right(5);
        Assert.Equal(
            ["1-1", "1-2", "2-1", "2-2", "2-3", "3-2", "3-3", "3-4", "4-3", "4-4", "4-5", "5-4", "5-5"],
            join.Pairs());
    }

    /// <summary>Verify Flink's restore case: buffers survive a snapshot and join the records that follow.</summary>
    [Fact]
    public void Buffers_must_survive_a_snapshot_as_in_Flink()
    {
        var join = new Driver(-1, true, 1, true);
        for (var i = 1; i <= 3; i++)
        {
            join.Left(i).Watermark1(i).Right(i).Watermark2(i);
        }

        Assert.Equal(["1-1", "1-2", "2-1", "2-2", "2-3", "3-2", "3-3"], join.Pairs());
        var restored = new Driver(-1, true, 1, true);
        restored.Restore(join);
        restored.Left(4).Watermark1(4).Right(4).Watermark2(4);
        Assert.Equal(["3-4", "4-3", "4-4"], restored.Pairs());
    }

    /// <summary>Verify that bounds are checked before the exclusive ones are narrowed, as in Flink: [0, 0) with both exclusive is
    /// accepted and joins nothing; only a lower bound above the upper one is refused.</summary>
    [Fact]
    public void Bounds_must_be_checked_as_given()
    {
        var join = new Driver(0, false, 0, false);
        join.Left(1).Right(1);
        Assert.Empty(join.Pairs());
        Assert.Throws<ArgumentException>(() => new Driver(1, true, 0, true));
    }

    /// <summary>Drives the join as Flink's test harness does: elements and per-input watermarks.</summary>
    private sealed class Driver
    {
        private long _watermark1 = long.MinValue;
        private long _watermark2 = long.MinValue;

        public Driver(long lower, bool lowerInclusive, long upper, bool upperInclusive) =>
            H = TwoInputOperatorHarness.For(JoinOperators.Interval<string, string, string, string>(
                TimeSpan.FromMilliseconds(lower),
                TimeSpan.FromMilliseconds(upper),
                (l, r) => $"{l}-{r}",
                lowerBoundExclusive: !lowerInclusive,
                upperBoundExclusive: !upperInclusive));

        public TwoInputOperatorHarness<string, string, string, string> H { get; }

        public Driver Left(long ts)
        {
            H.ProcessElement1("key", ts.ToString(System.Globalization.CultureInfo.InvariantCulture), ts);
            return this;
        }

        public Driver Right(long ts)
        {
            H.ProcessElement2("key", ts.ToString(System.Globalization.CultureInfo.InvariantCulture), ts);
            return this;
        }

        public Driver Watermark1(long wm)
        {
            _watermark1 = wm;
            H.ProcessWatermark(Math.Min(_watermark1, _watermark2));
            return this;
        }

        public Driver Watermark2(long wm)
        {
            _watermark2 = wm;
            H.ProcessWatermark(Math.Min(_watermark1, _watermark2));
            return this;
        }

        public List<string> Pairs() => [.. H.OutputValues().Order(StringComparer.Ordinal)];

        public List<string> Late() =>
        [
            .. H.SideOutput(OutputTags.LateData<string>()).Select(r => $"lhs@{r.Timestamp}")
                .Concat(H.SideOutput(OutputTags.LateDataRight<string>()).Select(r => $"rhs@{r.Timestamp}")),
        ];

        public string Buffer(bool left) =>
            string.Join(' ', ((IntervalJoinOperator<string, string, string, string>)H.Operator).BufferedTimestamps("key", left));

        public void Restore(Driver from)
        {
            H.Restore(from.H.Snapshot());
            (_watermark1, _watermark2) = (from._watermark1, from._watermark2);
        }
    }
}
