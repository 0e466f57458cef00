using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>What the specs that drive a <see cref="CheckpointCoordinator"/> directly share: key groups and a source that agree to everything.</summary>
internal static class CoordinatorFixtures
{
    /// <summary>Starts a checkpoint over three key groups and one partition, retrying until the coordinator takes it (within <paramref name="within"/>).</summary>
    public static async Task<long> StartCheckpointAsync(CheckpointCoordinator coordinator, TimeSpan within)
    {
        var offsets = new Dictionary<string, long>(StringComparer.Ordinal) { ["clicks/0"] = 10 };
        int[] keyGroups = [0, 1, 2];
        using var timeout = new CancellationTokenSource(within);
        long id;
        while ((id = coordinator.MaybeStart(offsets, keyGroups, 0)) == 0)
        {
            await Task.Delay(10, timeout.Token);
        }

        return id;
    }

    /// <summary>Key groups that snapshot and acknowledge every barrier at once.</summary>
    public sealed class AcknowledgingKeyGroups : ReceiveActor
    {
        public AcknowledgingKeyGroups() =>
            Receive<TriggerCheckpoint>(t => Sender.Tell(new KeyGroupCheckpointed(t.JobName, t.KeyGroup, t.CheckpointId, t.CheckpointId, 1, null)));
    }

    /// <summary>A source whose offsets commit to nothing.</summary>
    public sealed class NoSource : ISourceControlHolder
    {
        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => Task.CompletedTask;
    }
}
