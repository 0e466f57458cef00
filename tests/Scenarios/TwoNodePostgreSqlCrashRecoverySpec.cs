using ActorFlow.Tests.Shared;
using Xunit.Abstractions;

namespace ActorFlow.Scenarios;

/// <summary>
/// The two-node crash scenario with the state in one PostgreSQL database (a fresh one on the test server;
/// <see cref="TwoNodeCrashRecoverySpecBase"/>).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class TwoNodePostgreSqlCrashRecoverySpec(LocalPostgres postgres, ITestOutputHelper output) : TwoNodeCrashRecoverySpecBase(output)
{
    private readonly string _database = postgres.CreateDatabase("scenario_two_nodes");

    protected override string[] StateOptions => ["--postgres", _database];
}
