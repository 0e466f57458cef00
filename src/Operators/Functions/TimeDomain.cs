namespace ActorFlow.Operators.Functions;

/// <summary>The time domain of a timer.</summary>
public enum TimeDomain
{
    /// <summary>Event time (fired by watermarks).</summary>
    EventTime = 0,

    /// <summary>Processing time (fired by the clock).</summary>
    ProcessingTime = 1,
}
