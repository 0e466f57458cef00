using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using Xunit.Abstractions;

namespace ActorFlow.Persistence.Tests.Snapshots;

[Collection(PostgresCollection.Name)]
public sealed class PostgreSqlCheckpointedSnapshotSpec(LocalPostgres postgres, ITestOutputHelper output)
    : CheckpointedSnapshotSpecBase(StateStoreSettings.PostgreSql(postgres.SharedDatabase("snapshot_spec")), output);
