namespace ActorFlow.Parquet.Tests.Sink;

/// <summary>Drives a sink's writer directly (no job): write, pre-commit, commit.</summary>
internal static class SinkFiles
{
    public static async Task<IReadOnlyList<string>> LandAsync<T>(ParquetSink<T> sink, IReadOnlyList<T> records, long checkpoint = 1)
    {
        await using var writer = sink.CreateWriter();
        await writer.WriteAsync(records, CancellationToken.None);
        var committables = await writer.PrepareCommitAsync(checkpoint, CancellationToken.None);
        await sink.CommitAsync(committables, CancellationToken.None);
        return committables;
    }

    public static List<string> Final(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*.parquet", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];

    public static List<string> InProgress(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*.inprogress", SearchOption.AllDirectories)];
}
