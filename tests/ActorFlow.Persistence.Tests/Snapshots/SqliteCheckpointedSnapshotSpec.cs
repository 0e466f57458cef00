using ActorFlow.Persistence.Config;
using ActorFlow.Tests.Shared;
using Xunit.Abstractions;

namespace ActorFlow.Persistence.Tests.Snapshots;

public sealed class SqliteCheckpointedSnapshotSpec : CheckpointedSnapshotSpecBase
{
    private readonly TempDirectory _directory;

    public SqliteCheckpointedSnapshotSpec(ITestOutputHelper output)
        : this(new TempDirectory("actorflow-snap"), output)
    {
    }

    private SqliteCheckpointedSnapshotSpec(TempDirectory directory, ITestOutputHelper output)
        : base(StateStoreSettings.Sqlite(directory.Path), output) => _directory = directory;

    protected override void AfterAll()
    {
        base.AfterAll();
        _directory.Dispose();
    }
}
