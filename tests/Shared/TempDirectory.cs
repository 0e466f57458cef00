namespace ActorFlow.Tests.Shared;

/// <summary>A fresh directory under the temp path, deleted with everything in it on <see cref="Dispose"/>.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Creates the directory.</summary>
    /// <param name="prefix">A name prefix.</param>
    public TempDirectory(string prefix = "actorflow-test")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    /// <summary>The full path of the directory.</summary>
    public string Path { get; }

    /// <summary>Deletes the directory (SQLite connection pools are cleared first so files are closed).</summary>
    public void Dispose()
    {
        ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
