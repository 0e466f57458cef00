using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Operators.Windowing.Triggers;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Windowing;

/// <summary>
/// In the operator test harness, a window function that throws while its window fires for a record (a count trigger)
/// surfaces as the function's own exception, as when a timer fires it: the runtime's host receives it wrapped as a failed
/// firing (not a failed record), which is no concern of a test.
/// </summary>
public sealed class ElementFiringExceptionSpec
{
    /// <summary>Verify the second record's firing throws the function's ArithmeticException.</summary>
    [Fact]
    public void A_window_function_that_throws_on_an_element_firing_must_surface_its_own_exception()
    {
        var harness = OperatorHarness.For(WindowOperators.For<string, long>(GlobalWindows.Create()).WithTrigger(CountTrigger.Of(2)).Aggregate(new Failing()));
        harness.ProcessElement("a", 1, 1);

        var e = Assert.Throws<ArithmeticException>(() => harness.ProcessElement("a", 2, 2));
        Assert.Equal("window function bug", e.Message);
    }

    private sealed class Failing : IAggregateFunction<long, long, long>
    {
        public long CreateAccumulator() => 0;

        public long Add(long value, long accumulator) => accumulator + value;

        public long GetResult(long accumulator) => throw new ArithmeticException("window function bug");

        public long Merge(long a, long b) => a + b;
    }
}
