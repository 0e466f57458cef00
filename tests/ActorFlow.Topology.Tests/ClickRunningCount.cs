using System.Globalization;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests;

/// <summary>Per click: "user|n@time", n the user's clicks so far (keyed state).</summary>
internal sealed class ClickRunningCount : KeyedProcessFunction<string, Click, string>
{
    private IValueState<long>? _count;

    public override void Open(IKeyedStateStore state) => _count = state.GetState(new ValueStateDescriptor<long>("count"));

    public override void ProcessElement(Click value, Context context, ICollector<string> output)
    {
        var n = (_count!.HasValue ? _count.Value : 0) + 1;
        _count.Update(n);
        output.Collect(string.Create(CultureInfo.InvariantCulture, $"{context.CurrentKey}|{n}@{value.Time}"));
    }
}
