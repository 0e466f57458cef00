using ActorFlow.Tests.Shared;

namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>Issue 18: what a run's start does with the files of a run that crashed.</summary>
public sealed class RecoverySpec : IDisposable
{
    private readonly TempDirectory _lake = new("actorflow-parquet-recover");

    /// <summary>
    /// Verify that recovery commits the files the restored checkpoint names (also when an earlier attempt committed
    /// some of them already), deletes every other in-progress file, and that committing again changes nothing.
    /// </summary>
    [Fact]
    public async Task Recovery_must_commit_the_restored_files_and_delete_orphans()
    {
        var sink = ParquetSink.For(_lake.Path, new ParquetSinkOptions<Trade> { PartitionBy = ParquetPartitioning.ByField<Trade>("symbol", t => t.Symbol) });
        IReadOnlyList<string> covered;
        await using (var writer = sink.CreateWriter())
        {
            await writer.WriteAsync([.. Enumerable.Range(0, 50).Select(LandingJob.TradeOf)], CancellationToken.None);
            covered = await writer.PrepareCommitAsync(1, CancellationToken.None);
        }

        await using (var crashed = sink.CreateWriter())
        {
            await crashed.WriteAsync([.. Enumerable.Range(50, 50).Select(LandingJob.TradeOf)], CancellationToken.None);
            await crashed.PrepareCommitAsync(2, CancellationToken.None); // checkpoint 2 never completed
        }

        Assert.Equal(5, covered.Count); // one file per symbol
        await sink.CommitAsync([covered[0]], CancellationToken.None); // an interrupted commit got one file through
        Assert.Equal(10, SinkFiles.InProgress(_lake.Path).Count + 1);

        await sink.RecoverAsync(covered, CancellationToken.None);
        Assert.Empty(SinkFiles.InProgress(_lake.Path));
        Assert.Equal(5, SinkFiles.Final(_lake.Path).Count);
        Assert.Equal(50L, DuckDb.Scalar($"SELECT count(DISTINCT Id) FROM {DuckDb.Files(_lake.Path)} WHERE Id < 50"));
        Assert.Equal(50L, DuckDb.Scalar($"SELECT count(*) FROM {DuckDb.Files(_lake.Path)}"));
        Assert.Equal(5L, DuckDb.Scalar($"SELECT count(DISTINCT symbol) FROM {DuckDb.Files(_lake.Path)}"));

        await sink.CommitAsync(covered, CancellationToken.None);
        Assert.Equal(5, SinkFiles.Final(_lake.Path).Count);
    }

    /// <summary>Verify that a file named by a complete checkpoint that is gone fails the commit, naming it.</summary>
    [Fact]
    public async Task A_lost_file_of_a_complete_checkpoint_must_fail_the_commit_naming_it()
    {
        var sink = ParquetSink.For<Trade>(_lake.Path);
        var e = await Assert.ThrowsAsync<IOException>(() => sink.CommitAsync([".part-x-00000.parquet.inprogress"], CancellationToken.None));
        Assert.Contains(".part-x-00000.parquet.inprogress", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _lake.Dispose();
}
