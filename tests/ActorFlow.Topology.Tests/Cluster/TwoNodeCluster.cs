using Akka.Configuration;

namespace ActorFlow.Topology.Tests.Cluster;

/// <summary>What the specs running two cluster nodes in one process give both nodes.</summary>
internal static class TwoNodeCluster
{
    /// <summary>
    /// Overrides for both nodes' <c>ActorFlowCluster.StartNodeAsync</c>. With Akka's default failure detector (3 s
    /// acceptable heartbeat pause), a stall of the thread pool the two nodes share (~5 s on a loaded 2-core CI machine)
    /// holds up their heartbeats: one node marked the other unreachable and the split-brain resolver downed it. 30 s
    /// tolerates such stalls; a node that leaves (as the specs end) still leaves at once.
    /// </summary>
    public static readonly Config Overrides = ConfigurationFactory.ParseString("akka.cluster.failure-detector.acceptable-heartbeat-pause = 30s");
}
