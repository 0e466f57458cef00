using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

public sealed class WindowOperatorSpec
{
    /// <summary>Verify that a null key goes to the rejected side output and other keys are unaffected.</summary>
    [Fact]
    public void A_WindowOperator_must_reject_a_null_key_without_harming_other_keys()
    {
        var h = new OperatorHarness<string, long, long>(
            WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).Aggregate(new SumAggregate()));
        h.ProcessElement("a", 1, 1_000);
        h.ProcessElement(null!, 2, 1_000);
        h.ProcessWatermark(5_000);
        var rejected = Assert.Single(h.SideOutput(OutputTags.Rejected<long>()));
        Assert.Contains("null key", rejected.Value.Reason, StringComparison.Ordinal);
        Assert.Equal([1L], h.OutputValues());
        Assert.Equal(1, h.Operator.RejectedRecordCount);
    }

    /// <summary>Verify that a record without a valid timestamp is rejected by an event-time window.</summary>
    [Fact]
    public void A_WindowOperator_must_reject_a_record_without_a_timestamp()
    {
        var h = new OperatorHarness<string, long, long>(
            WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).Aggregate(new SumAggregate()));
        h.ProcessElement("a", 1, Timestamps.NoTimestamp);
        var rejected = Assert.Single(h.SideOutput(OutputTags.Rejected<long>()));
        Assert.Contains("timestamp", rejected.Value.Reason, StringComparison.Ordinal);
    }

    /// <summary>Verify that reduce combines the records of a window.</summary>
    [Fact]
    public void A_WindowOperator_must_reduce()
    {
        var h = new OperatorHarness<string, long, long>(
            WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).Reduce(Math.Max));
        h.ProcessElement("a", 3, 0);
        h.ProcessElement("a", 9, 1);
        h.ProcessElement("a", 4, 2);
        h.ProcessWatermark(4_999);
        Assert.Equal([9L], h.OutputValues());
    }

    /// <summary>Verify that reduce combined with a process-window function sees the reduced value and the window.</summary>
    [Fact]
    public void A_WindowOperator_must_reduce_then_process()
    {
        var h = new OperatorHarness<string, long, string>(
            WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).Reduce((a, b) => a + b, new LabelWindow<long>()));
        h.ProcessElement("a", 3, 0);
        h.ProcessElement("a", 4, 2);
        h.ProcessWatermark(4_999);
        Assert.Equal(["a@[0,5000)=7"], h.OutputValues());
    }

    /// <summary>Verify that an aggregate with a tuple accumulator computes the result.</summary>
    [Fact]
    public void A_WindowOperator_must_aggregate_with_an_accumulator()
    {
        var h = new OperatorHarness<string, long, double>(
            WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).Aggregate(new AverageAggregate()));
        h.ProcessElement("a", 1, 0);
        h.ProcessElement("a", 2, 1);
        h.ProcessWatermark(4_999);
        Assert.Equal([1.5], h.OutputValues());
    }

    /// <summary>Verify that a process-window function sees all records in arrival order plus the window.</summary>
    [Fact]
    public void A_WindowOperator_must_pass_all_elements_to_a_process_window_function()
    {
        var h = new OperatorHarness<string, long, string>(
            WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).Process(new DescribeWindow()));
        h.ProcessElement("a", 3, 4_000);
        h.ProcessElement("a", 1, 100);
        h.ProcessWatermark(4_999);
        Assert.Equal(["a@[0,5000)=3,1"], h.OutputValues());
    }

    /// <summary>Verify that the window result carries the window's max timestamp.</summary>
    [Fact]
    public void A_WindowOperator_must_stamp_results_with_the_window_max_timestamp()
    {
        var h = new OperatorHarness<string, long, long>(
            WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).Aggregate(new SumAggregate()));
        h.ProcessElement("a", 3, 10);
        h.ProcessWatermark(long.MaxValue - 1);
        Assert.Equal(4_999, h.Output[0].Timestamp);
    }

    /// <summary>Verify that a user accumulator type without a serializer is rejected at build time.</summary>
    [Fact]
    public void A_WindowOperator_must_require_a_serializer_for_the_accumulator()
    {
        var builder = WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5)));
        var ex = Assert.Throws<ArgumentException>(() => builder.Aggregate(new UnregisteredAggregate()));
        Assert.Contains("No serializer", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a registered user serializer makes the accumulator snapshot-able.</summary>
    [Fact]
    public void A_WindowOperator_must_use_registered_user_serializers()
    {
        var registry = new SerializerRegistry().Register(Serializers.Create<Box>((w, b) => w.WriteInt64(b.Value), (ref StateReader r) => new Box(r.ReadInt64())));
        var builder = WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).WithSerializers(registry);
        var h = new OperatorHarness<string, long, long>(builder.Aggregate(new UnregisteredAggregate()));
        h.ProcessElement("a", 5, 0);
        var restored = new OperatorHarness<string, long, long>(builder.Aggregate(new UnregisteredAggregate()));
        restored.Restore(h.Snapshot());
        restored.ProcessElement("a", 6, 1);
        restored.ProcessWatermark(4_999);
        Assert.Equal([11L], restored.OutputValues());
    }

    private sealed record Box(long Value);

    private sealed class UnregisteredAggregate : ActorFlow.Operators.Functions.IAggregateFunction<long, Box, long>
    {
        public Box CreateAccumulator() => new(0);

        public Box Add(long value, Box accumulator) => new(accumulator.Value + value);

        public long GetResult(Box accumulator) => accumulator.Value;

        public Box Merge(Box a, Box b) => new(a.Value + b.Value);
    }
}
