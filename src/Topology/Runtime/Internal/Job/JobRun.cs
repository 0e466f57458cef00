using ActorFlow.Topology.Connectors;
using Akka.Actor;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. One run of a job: from a restore point until it stops or fails.</summary>
internal sealed record JobRun(ISourceControl Control, Task Completion, BatchDispatcher Dispatcher, IActorRef? Region);
