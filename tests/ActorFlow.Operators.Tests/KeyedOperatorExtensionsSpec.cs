using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests;

public sealed class KeyedOperatorExtensionsSpec
{
    /// <summary>Verify that the untyped view processes boxed records and emits boxed results with side outputs.</summary>
    [Fact]
    public void An_untyped_operator_must_box_records_and_results()
    {
        var op = WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).Aggregate(new SumAggregate()).AsUntyped();
        var output = new HarnessOutput<object?>();
        Assert.Equal(typeof(string), op.KeyType);
        Assert.Equal(typeof(long), op.InputType);
        Assert.Equal(typeof(long), op.OutputType);
        op.ProcessElement("a", 2L, 100, output);
        op.ProcessElement(null, 3L, 100, output);
        op.ProcessWatermark(4_999, output);
        Assert.Equal([2L], output.OutputValues());
        Assert.Single(output.SideOutput(OutputTags.Rejected<long>()));
        Assert.Equal(4_999, op.CurrentWatermark);
    }

    /// <summary>Verify that a wrongly typed record is refused with an InvalidCastException.</summary>
    [Fact]
    public void An_untyped_operator_must_refuse_a_wrongly_typed_record()
    {
        var op = WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(5))).Aggregate(new SumAggregate()).AsUntyped();
        Assert.Throws<InvalidCastException>(() => op.ProcessElement("a", "not a long", 1, new HarnessOutput<object?>()));
    }
}
