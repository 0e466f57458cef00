using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Cluster;

public sealed class BadStateDirectorySpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _root = new("actorflow-bad-state");

    /// <summary>Verify that a data directory below a regular file fails the node start, naming the setting and the directory.</summary>
    [Fact]
    public async Task A_node_must_not_start_when_its_data_directory_cannot_be_created()
    {
        var file = Path.Combine(_root.Path, "a-file");
        await File.WriteAllTextAsync(file, "not a directory");
        var directory = Path.Combine(file, "state");

        var error = await StartAsync(StateStoreSettings.Sqlite(directory));

        Assert.Contains($"actorflow.persistence.state-store.data-directory = '{directory}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"directory '{directory}' cannot be created", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a database path that cannot be opened for writing (a directory there) fails the node start, naming the setting and the file.</summary>
    [Fact]
    public async Task A_node_must_not_start_when_its_database_file_cannot_be_opened()
    {
        var settings = StateStoreSettings.Sqlite(_root.Path);
        Directory.CreateDirectory(settings.SqliteFilePath);

        var error = await StartAsync(settings);

        Assert.Contains($"actorflow.persistence.state-store.data-directory = '{_root.Path}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{settings.SqliteFilePath}' cannot be opened for writing", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a corrupt database file fails the node start, naming the setting and the file.</summary>
    [Fact]
    public async Task A_node_must_not_start_when_its_database_file_is_corrupt()
    {
        var settings = StateStoreSettings.Sqlite(_root.Path);
        await File.WriteAllBytesAsync(settings.SqliteFilePath, Enumerable.Repeat((byte)'x', 8192).ToArray());

        var error = await StartAsync(settings);

        Assert.Contains($"actorflow.persistence.state-store.data-directory = '{_root.Path}'", error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{settings.SqliteFilePath}' is not a usable database", error.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _root.Dispose();

    private static async Task<InvalidOperationException> StartAsync(StateStoreSettings settings)
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => ActorFlowCluster.StartNodeAsync("bad-state", settings));
        Assert.Single(error.Message.Split('\n')); // one message
        return error;
    }
}
