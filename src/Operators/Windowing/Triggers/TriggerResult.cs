namespace ActorFlow.Operators.Windowing.Triggers;

/// <summary>What a trigger decides for a window.</summary>
public enum TriggerResult
{
    /// <summary>Do nothing.</summary>
    Continue = 0,

    /// <summary>Emit the window's result and keep its contents.</summary>
    Fire = 1,

    /// <summary>Discard the window's contents without emitting.</summary>
    Purge = 2,

    /// <summary>Emit the window's result, then discard its contents.</summary>
    FireAndPurge = 3,
}
