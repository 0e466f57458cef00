using System.Collections.Concurrent;
using Akka.Actor;

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// INTERNAL API. The jobs known to one actor system, so that a key-group entity started by sharding on this node
/// can build its operator. Every node registers the same job (same code), as every Flink task manager loads the jar.
/// </summary>
internal sealed class JobRegistry : IExtension
{
    private readonly ConcurrentDictionary<string, (IJobPlan Plan, TimeProvider Clock)> _jobs = new(StringComparer.Ordinal);

    public static JobRegistry Get(ActorSystem system) => system.WithExtension<JobRegistry, Provider>();

    public void Register(string job, IJobPlan plan, TimeProvider clock) => _jobs[job] = (plan, clock);

    public (IJobPlan Plan, TimeProvider Clock) Resolve(string job) =>
        _jobs.TryGetValue(job, out var entry) ? entry : throw new InvalidOperationException($"Job '{job}' is not registered on this node.");

    public sealed class Provider : ExtensionIdProvider<JobRegistry>
    {
        public override JobRegistry CreateExtension(ExtendedActorSystem system) => new();
    }
}
