using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.Functions;

/// <summary>
/// A broadcast record can visit every key's state, as Flink's <c>applyToKeyedState</c>: the usual way to drop per-key
/// state when a rule is removed. Keys without the state, and expired entries, are not visited.
/// </summary>
public sealed class ApplyToKeyedStateSpec
{
    private static readonly ValueStateDescriptor<long> Total = new("total");
    private static readonly ListStateDescriptor<long> Seen = new("seen");

    /// <summary>Verify that the broadcast side visits each key holding the state once, with that key's state, and can clear it.</summary>
    [Fact]
    public void A_broadcast_record_must_visit_every_key_with_the_state()
    {
        var h = TwoInputOperatorHarness.For(KeyedProcessOperators.CreateBroadcast(new Totals()));
        h.ProcessElement1("a", 1, 0);
        h.ProcessElement1("b", 2, 0);
        h.ProcessElement1("a", 3, 0);

        h.ProcessElement2("", "report", 0);
        Assert.Equal(["a=4 [1,3]", "b=2 [2]"], h.OutputValues().Order(StringComparer.Ordinal));
        h.ProcessElement2("", "purge", 0);
        h.ProcessElement2("", "report", 0);
        h.ProcessElement1("a", 5, 0);

        Assert.Equal(["a=4 [1,3]", "b=2 [2]"], h.OutputValues().Take(2).Order(StringComparer.Ordinal)); // the second report saw no key
        Assert.Equal(["a=5"], h.OutputValues().Skip(2)); // a's state was cleared
    }

    private sealed class Totals : KeyedBroadcastProcessFunction<string, long, string, string>
    {
        private IValueState<long> _total = null!;
        private IListState<long> _seen = null!;

        public override void Open(IKeyedStateStore state)
        {
            _total = state.GetState(Total);
            _seen = state.GetListState(Seen);
        }

        public override void ProcessElement(long value, ReadOnlyContext context, ICollector<string> output)
        {
            _total.Update(_total.Value + value);
            _seen.Add(value);
            if (_seen.Get().Count == 1 && _total.Value == 5)
            {
                output.Collect($"{context.CurrentKey}={_total.Value}");
            }
        }

        public override void ProcessBroadcastElement(string value, Context context, ICollector<string> output)
        {
            if (value == "purge")
            {
                context.ApplyToKeyedState(Total, (_, state) => state.Clear());
                context.ApplyToKeyedState(Seen, (_, state) => state.Clear());
                return;
            }

            var seen = new Dictionary<string, string>();
            context.ApplyToKeyedState(Seen, (key, state) => seen[key] = string.Join(",", state.Get()));
            context.ApplyToKeyedState(Total, (key, state) => output.Collect($"{key}={state.Value} [{seen[key]}]"));
        }
    }
}
