namespace ActorFlow.Docs.Tests.Runtime;

/// <summary>The record of docs/runtime.md's examples: a user's click at an event time (epoch milliseconds).</summary>
/// <param name="User">The user.</param>
/// <param name="Time">The event time, milliseconds since the Unix epoch.</param>
public sealed record Click(string User, long Time);
