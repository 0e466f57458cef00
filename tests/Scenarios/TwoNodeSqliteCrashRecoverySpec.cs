using Xunit.Abstractions;

namespace ActorFlow.Scenarios;

/// <summary>
/// The two-node crash scenario with the state in one SQLite file (WAL) that both node processes open
/// (<see cref="TwoNodeCrashRecoverySpecBase"/>).
/// </summary>
public sealed class TwoNodeSqliteCrashRecoverySpec(ITestOutputHelper output) : TwoNodeCrashRecoverySpecBase(output)
{
    protected override string[] StateOptions => [];
}
