using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

public sealed class WindowOperatorBuilderSpec
{
    private static WindowOperatorBuilder<string, long> Tumbling() => WindowOperators.For<string, long>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)));

    /// <summary>Verify that Aggregate with a result lambda receives the key, the window and the aggregate's result.</summary>
    [Fact]
    public void Aggregate_with_a_result_lambda_must_see_key_window_and_result()
    {
        var h = OperatorHarness.For(Tumbling().Aggregate(Aggregates.Sum<long>(v => v), (key, window, sum) => $"{key}@{window.Start}-{window.End}={sum}"));
        h.ProcessElement("a", 2, 100);
        h.ProcessElement("a", 3, 900);
        h.ProcessWatermark(999);
        Assert.Equal([new TimestampedValue<string>("a@0-1000=5", 999)], h.Output);
    }

    /// <summary>Verify that a keyed late-data output receives each late record with its key, value and timestamp.</summary>
    [Fact]
    public void A_WindowOperator_must_send_late_records_with_their_key_to_a_keyed_late_output()
    {
        var h = OperatorHarness.For(Tumbling().WithLateDataOutput(OutputTags.LateRecords<string, long>()).Aggregate(Aggregates.Count<long>()));
        h.ProcessWatermark(5_000);
        h.ProcessElement("a", 7, 1_500);
        Assert.Equal([new TimestampedValue<LateRecord<string, long>>(new LateRecord<string, long>("a", 7, 1_500), 1_500)], h.SideOutput(OutputTags.LateRecords<string, long>()));
        Assert.Equal(1, h.Operator.LateRecordCount);
    }

    /// <summary>Verify that choosing a keyed late-data output leaves the plain late-data output empty (each late record is sent once).</summary>
    [Fact]
    public void A_keyed_late_output_must_replace_the_plain_one()
    {
        var h = OperatorHarness.For(Tumbling().WithLateDataOutput(OutputTags.LateRecords<string, long>()).Aggregate(Aggregates.Count<long>()));
        h.ProcessWatermark(5_000);
        h.ProcessElement("a", 7, 1_500);
        Assert.Single(h.Events);
    }

    /// <summary>Verify that an allowed lateness with a sub-millisecond part is refused, naming the parameter.</summary>
    [Fact]
    public void WithAllowedLateness_must_reject_sub_millisecond_parts()
    {
        var ex = Assert.Throws<ArgumentException>(() => Tumbling().WithAllowedLateness(TimeSpan.FromMicroseconds(1_500)));
        Assert.Equal("lateness", ex.ParamName);
    }

    /// <summary>Verify that a window size with a sub-millisecond part is refused, naming the parameter.</summary>
    [Fact]
    public void A_window_size_must_reject_sub_millisecond_parts()
    {
        var ex = Assert.Throws<ArgumentException>(() => SlidingEventTimeWindows.Of(TimeSpan.FromSeconds(1), TimeSpan.FromTicks(5_000_001)));
        Assert.Equal("slide", ex.ParamName);
    }

    /// <summary>Verify that Watermark.EndOfInput is long.MaxValue and fires every window still pending.</summary>
    [Fact]
    public void Watermark_EndOfInput_must_fire_every_pending_window()
    {
        var h = OperatorHarness.For(Tumbling().Aggregate(Aggregates.Count<long>()));
        h.ProcessElement("a", 1, 100);
        h.ProcessElement("b", 1, 1_000_000_000);
        h.ProcessWatermark(Watermark.EndOfInput);
        Assert.Equal(long.MaxValue, Watermark.EndOfInput);
        Assert.Equal([999L, 1_000_000_999L], h.Output.Select(r => r.Timestamp));
    }
}
