using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing.Flink;

/// <summary>The functions and record shapes of Flink's <c>WindowOperatorTest</c> (Tuple2&lt;String, Integer&gt; records keyed by
/// the string), so that each conformance spec feeds Flink's input and compares with Flink's expected output.</summary>
internal static class FlinkFixtures
{
    /// <summary>Flink's <c>SumReducer</c>: sums the second field.</summary>
    public static readonly Func<(string Key, int Value), (string Key, int Value), (string Key, int Value)> SumReducer =
        (a, b) => (a.Key, a.Value + b.Value);

    /// <summary>A tumbling/sliding/session operator builder for Flink's record shape.</summary>
    /// <param name="assigner">The window assigner.</param>
    /// <returns>The builder.</returns>
    public static WindowOperatorBuilder<string, (string Key, int Value)> For(WindowAssigner assigner) =>
        WindowOperators.For<string, (string Key, int Value)>(assigner);

    /// <summary>Feeds a Flink record (key taken from the tuple, as Flink's <c>TupleKeySelector</c>).</summary>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="h">The harness.</param>
    /// <param name="key">The key.</param>
    /// <param name="value">The value.</param>
    /// <param name="timestamp">The event timestamp.</param>
    public static void Element<TOut>(this OperatorHarness<string, (string Key, int Value), TOut> h, string key, int value, long timestamp) =>
        h.ProcessElement(key, (key, value), timestamp);

    /// <summary>Renders the main output as "value@timestamp", sorted (Flink's <c>assertOutputEqualsSorted</c>).</summary>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="h">The harness.</param>
    /// <returns>The sorted rendering.</returns>
    public static List<string> Sorted<TOut>(this HarnessOutput<TOut> h) => Sort(h.Output.Select(r => $"{Render(r.Value)}@{r.Timestamp}"));

    /// <summary>Renders a side output as "value@timestamp", sorted.</summary>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <typeparam name="T">The side output's type.</typeparam>
    /// <param name="h">The harness.</param>
    /// <param name="tag">The tag.</param>
    /// <returns>The sorted rendering.</returns>
    public static List<string> SortedSide<TOut, T>(this HarnessOutput<TOut> h, OutputTag<T> tag) =>
        Sort(h.SideOutput(tag).Select(r => $"{Render(r.Value)}@{r.Timestamp}"));

    /// <summary>Sorts expected renderings the same way.</summary>
    /// <param name="expected">The expected renderings.</param>
    /// <returns>The sorted list.</returns>
    public static List<string> Sort(IEnumerable<string> expected)
    {
        var list = expected.ToList();
        list.Sort(StringComparer.Ordinal);
        return list;
    }

    private static string Render<T>(T value) => value is ValueTuple<string, int> t ? $"({t.Item1},{t.Item2})" : value?.ToString() ?? "null";
}

/// <summary>Flink's <c>SessionWindowFunction</c>: emits "key-sum:start-end" over all elements of a session.</summary>
internal sealed class FlinkSessionWindowFunction : ProcessWindowFunction<string, (string Key, int Value), string>
{
    public override void Process(string key, ProcessWindowContext context, IReadOnlyList<(string Key, int Value)> elements, ICollector<string> output)
    {
        var sum = 0;
        foreach (var e in elements)
        {
            sum += e.Value;
        }

        output.Collect($"{key}-{sum}:{context.Window.Start}-{context.Window.End}");
    }
}
