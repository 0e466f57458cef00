namespace ActorFlow.Avro.Compatibility;

/// <summary>A registry subject's compatibility rule: which earlier versions a new schema must be compatible with, and how (Confluent's levels).</summary>
public enum CompatibilityLevel
{
    /// <summary>No check.</summary>
    None,

    /// <summary>The new schema can read data written with the latest version (consumers upgrade first).</summary>
    Backward,

    /// <summary>The new schema can read data written with every earlier version.</summary>
    BackwardTransitive,

    /// <summary>Data written with the new schema can be read with the latest version (producers upgrade first).</summary>
    Forward,

    /// <summary>Data written with the new schema can be read with every earlier version.</summary>
    ForwardTransitive,

    /// <summary>Both <see cref="Backward"/> and <see cref="Forward"/> against the latest version.</summary>
    Full,

    /// <summary>Both <see cref="BackwardTransitive"/> and <see cref="ForwardTransitive"/>.</summary>
    FullTransitive,
}
