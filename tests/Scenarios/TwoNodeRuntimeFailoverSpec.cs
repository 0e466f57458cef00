using Xunit.Abstractions;

namespace ActorFlow.Scenarios;

/// <summary>
/// The two-node crash scenario on SQLite where the survivor of each kill keeps running and only the killed node is
/// started again: the runtime's failover (docs/runtime.md, "Failover") alone must keep the results exact, also when
/// the node running the jobs comes back to key groups that stayed up on the other node with a later state.
/// </summary>
public sealed class TwoNodeRuntimeFailoverSpec(ITestOutputHelper output) : TwoNodeCrashRecoverySpecBase(output)
{
    protected override string[] StateOptions => [];

    protected override bool RuntimeFailover => true;
}
