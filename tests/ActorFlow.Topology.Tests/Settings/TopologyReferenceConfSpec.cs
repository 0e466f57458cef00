using ActorFlow.Tests.ConfigAudit;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Settings;

/// <summary>
/// ActorFlow.Topology's embedded reference.conf (<c>actorflow.cluster</c>) against the code that reads it: every key is
/// read, its default is the one the code holds, and a changed value changes what the code holds.
/// </summary>
public sealed class TopologyReferenceConfSpec
{
    private static readonly ConfigKey[] Keys =
    [
        new("actorflow.cluster.join-timeout", c => ActorFlowCluster.JoinTimeout(c)),
    ];

    /// <summary>Verify that every key under actorflow.cluster is read, and nothing read is missing from reference.conf.</summary>
    [Fact]
    public void Every_key_must_be_read() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.UnreadKeys(TopologyDefaults.Config, TopologyDefaults.ClusterPath, Keys));

    /// <summary>Verify that the code holds reference.conf's defaults.</summary>
    [Fact]
    public void The_defaults_must_be_the_reference_values() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.WrongDefaults(TopologyDefaults.Config, Keys));

    /// <summary>Verify that a changed value reaches the code.</summary>
    [Fact]
    public void A_changed_value_must_be_read() =>
        ReferenceConfAudit.AssertNone(ReferenceConfAudit.IgnoredKeys(TopologyDefaults.Config, Keys));
}
