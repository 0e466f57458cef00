using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

// Flink: WindowOperatorTest.testDynamicEventTimeSessionWindows, testDynamicProcessingTimeSessionWindows (the gap of each
// record from its key and value: key1 3 s; key2 1 s for value 10, else 2 s).
public sealed class FlinkDynamicSessionWindowSpec
{
    private static TimeSpan Gap((string Key, int Value) element) => element.Key switch
    {
        "key1" => TimeSpan.FromSeconds(3),
        "key2" => element.Value == 10 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2),
        _ => TimeSpan.Zero,
    };

    /// <summary>Verify Flink's sessions of per-record gaps in event time: each key its own gap, and a merged session ends at
    /// the furthest end of its records, whether a later record's gap ends before or after the current end.</summary>
    [Fact]
    public void Event_time_sessions_of_record_gaps_must_emit_what_Flink_emits()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(DynamicEventTimeSessionWindows<(string Key, int Value)>.WithDynamicGap(Gap)).Process(new FlinkSessionWindowFunction()));
        h.Element("key1", 3, 10);
        h.Element("key2", 4, 5000);
        h.Element("key2", 5, 6000);
        h.ProcessWatermark(8999);
        Assert.Equal(FlinkFixtures.Sort(["key1-3:10-3010@3009", "key2-9:5000-8000@7999"]), h.Sorted());

        h.Element("key2", 1, 9000);
        h.Element("key2", 2, 10000);
        h.Element("key2", 10, 10500);
        h.ProcessWatermark(12999);
        h.Element("key2", 10, 13000);
        h.Element("key2", 10, 13500);
        h.Element("key2", 1, 14000);
        h.ProcessWatermark(16999);

        Assert.Equal(
            FlinkFixtures.Sort(["key1-3:10-3010@3009", "key2-9:5000-8000@7999", "key2-13:9000-12000@11999", "key2-21:13000-16000@15999"]),
            h.Sorted());
    }

    /// <summary>Verify the same in processing time, by the injected clock.</summary>
    [Fact]
    public void Processing_time_sessions_of_record_gaps_must_emit_what_Flink_emits()
    {
        var clock = new ManualTimeProvider();
        var h = OperatorHarness.For(
            FlinkFixtures.For(DynamicProcessingTimeSessionWindows<(string Key, int Value)>.WithDynamicGap(Gap)).WithTimeProvider(clock).Process(new FlinkSessionWindowFunction()),
            clock);
        h.SetProcessingTime(10);
        h.Element("key1", 3, 10);
        h.SetProcessingTime(5000);
        h.Element("key2", 4, 5000);
        h.SetProcessingTime(6000);
        h.Element("key2", 5, 6000);
        h.SetProcessingTime(8999);
        Assert.Equal(FlinkFixtures.Sort(["key1-3:10-3010@3009", "key2-9:5000-8000@7999"]), h.Sorted());

        h.SetProcessingTime(9000);
        h.Element("key2", 1, 9000);
        h.SetProcessingTime(10000);
        h.Element("key2", 2, 10000);
        h.SetProcessingTime(10500);
        h.Element("key2", 10, 10500);
        h.SetProcessingTime(13000);
        h.Element("key2", 10, 13000);
        h.SetProcessingTime(13500);
        h.Element("key2", 10, 13500);
        h.SetProcessingTime(14000);
        h.Element("key2", 1, 14000);
        h.SetProcessingTime(16999);

        Assert.Equal(
            FlinkFixtures.Sort(["key1-3:10-3010@3009", "key2-9:5000-8000@7999", "key2-13:9000-12000@11999", "key2-21:13000-16000@15999"]),
            h.Sorted());
    }

    /// <summary>Verify that a record whose gap is not positive is rejected with the reason (Flink throws) and the others go on.</summary>
    [Fact]
    public void A_record_without_a_positive_gap_must_be_rejected_naming_its_gap()
    {
        var h = OperatorHarness.For(FlinkFixtures.For(DynamicEventTimeSessionWindows<(string Key, int Value)>.WithDynamicGap(Gap)).Process(new FlinkSessionWindowFunction()));
        h.Element("key3", 1, 100);
        h.Element("key1", 2, 100);
        h.ProcessWatermark(5000);

        Assert.Equal(["key1-2:100-3100@3099"], h.Sorted());
        var rejected = Assert.Single(h.SideOutput(OutputTags.Rejected<(string Key, int Value)>()));
        Assert.Contains("dynamic session gap (00:00:00)", rejected.Value.Reason, StringComparison.Ordinal);
    }

    /// <summary>Verify that an assigner for another record type is refused when the operator is built.</summary>
    [Fact]
    public void An_assigner_of_another_record_type_must_be_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => OperatorHarness.For(
            WindowOperators.For<string, int>(DynamicEventTimeSessionWindows<string>.WithDynamicGap(_ => TimeSpan.FromSeconds(1))).Aggregate(ActorFlow.Operators.Functions.Aggregates.Count<int>())));
        Assert.Contains("records of type String", e.Message, StringComparison.Ordinal);
    }
}
