using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Internal;

/// <summary>The reused context and collector of window evaluations: results carry the window's max timestamp.</summary>
internal sealed class WindowProcessContext<TKey, TOut> : ProcessWindowContext, ICollector<TOut>
{
    private readonly IOperatorClock _clock;
    private readonly KeyedStateBackend<TKey> _backend;

    public WindowProcessContext(IOperatorClock clock, KeyedStateBackend<TKey> backend)
    {
        _clock = clock;
        _backend = backend;
    }

    public IOperatorOutput<TOut> Sink { get; set; } = null!;

    public TimeWindow CurrentWindow { get; set; }

    public override TimeWindow Window => CurrentWindow;

    public override long CurrentWatermark => _clock.CurrentWatermark;

    public override long CurrentProcessingTime => _clock.CurrentProcessingTime;

    public override IKeyedStateStore WindowState => _backend.WindowScope;

    public override IKeyedStateStore GlobalState => _backend.KeyScope;

    public void Collect(TOut value) => Sink.Collect(value, CurrentWindow.MaxTimestamp);

    public override void Output<T>(OutputTag<T> tag, T value)
    {
        ArgumentNullException.ThrowIfNull(tag);
        Sink.CollectSide(tag, value, CurrentWindow.MaxTimestamp);
    }
}
