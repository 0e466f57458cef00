using System.Globalization;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;

namespace ActorFlow.Docs.Tests.Testing;

// begin-snippet: testing-operator-function
/// <summary>Alerts on an amount over 500 right after one under 1 on the same account, within a minute of processing time.</summary>
public sealed class SmallThenLarge : KeyedProcessFunction<string, decimal, string>
{
    private IValueState<long> _smallUntil = null!;

    public override void Open(IKeyedStateStore state) => _smallUntil = state.GetState(new ValueStateDescriptor<long>("small-until"));

    public override void ProcessElement(decimal amount, Context context, ICollector<string> output)
    {
        if (_smallUntil.HasValue && amount > 500m)
        {
            output.Collect(string.Create(CultureInfo.InvariantCulture, $"{context.CurrentKey}: {amount}"));
        }

        if (_smallUntil.HasValue)
        {
            context.TimerService.DeleteProcessingTimeTimer(_smallUntil.Value);
            _smallUntil.Clear();
        }

        if (amount < 1m)
        {
            var until = context.TimerService.CurrentProcessingTime + 60_000;
            _smallUntil.Update(until);
            context.TimerService.RegisterProcessingTimeTimer(until);
        }
    }

    public override void OnTimer(long timestamp, OnTimerContext context, ICollector<string> output) => _smallUntil.Clear();
}
// end-snippet
