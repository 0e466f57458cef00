using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>
/// A landing directory that is a file fails the run's start saying so: it failed with "The file '…' already exists",
/// which did not say which setting was wrong (found by an SRE's review).
/// </summary>
public sealed class LandingPathIsFileSpec : IDisposable
{
    private readonly TempDirectory _root = new("actorflow-parquet-path-is-file");

    /// <summary>Verify the message names the path and what is wrong with it.</summary>
    [Fact]
    public async Task A_landing_path_that_is_a_file_must_be_named()
    {
        var lake = Path.Combine(_root.Path, "lake");
        await File.WriteAllTextAsync(lake, "not a directory");
        var sink = ParquetSink.For(lake, new ParquetSinkOptions<Trade>());

        var e = await Assert.ThrowsAsync<IOException>(() => sink.RecoverAsync([], CancellationToken.None));

        Assert.Equal($"Parquet sink: the landing directory '{lake}' is a file, not a directory.", e.Message);
    }

    public void Dispose() => _root.Dispose();
}
