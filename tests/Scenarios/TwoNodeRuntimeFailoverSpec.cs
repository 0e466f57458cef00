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

    /// <inheritdoc />
    [Fact(Skip = "Known regression since 2026-12-03 (issue 14 left open for it): after a failover the survivor's new run "
        + "sometimes stops making progress (3 of 6 CI runs). Bisect between 578ae70 and the merges of the issue-14 branches.")]
    public override Task A_node_killed_at_random_points_must_end_with_the_failure_free_results() =>
        base.A_node_killed_at_random_points_must_end_with_the_failure_free_results();
}
