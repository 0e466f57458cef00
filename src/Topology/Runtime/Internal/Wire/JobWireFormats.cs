using System.Collections.Concurrent;
using Akka.Actor;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The wire formats of the jobs registered on one actor system, by job name, so that
/// <see cref="KeyGroupMessageSerializer"/> can read the records of a message naming its job.
/// </summary>
internal sealed class JobWireFormats : IExtension
{
    private readonly ConcurrentDictionary<string, JobWireFormat> _formats = new(StringComparer.Ordinal);

    public static JobWireFormats Get(ActorSystem system) => system.WithExtension<JobWireFormats, Provider>();

    public void Register(string job, JobWireFormat format) => _formats[job] = format;

    public JobWireFormat Resolve(string job) => _formats.TryGetValue(job, out var format)
        ? format
        : throw new System.Runtime.Serialization.SerializationException(
            $"Job '{job}' is not registered on this node: start it with JobRunner.Start or JobRunner.Host on every node.");

    public sealed class Provider : ExtensionIdProvider<JobWireFormats>
    {
        public override JobWireFormats CreateExtension(ExtendedActorSystem system) => new();
    }
}
