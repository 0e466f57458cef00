namespace ActorFlow.Operators.Internal;

/// <summary>The state of one (key, window): its contents (accumulator or buffer) and its trigger's cell.</summary>
internal struct WindowEntry<TState>
{
    public TState State;
    public bool HasContents;
    public bool HasTriggerState;
    public long TriggerState;
}

/// <summary>Time as seen by user code inside an operator call.</summary>
internal interface IOperatorClock
{
    long CurrentWatermark { get; }

    long CurrentProcessingTime { get; }
}
