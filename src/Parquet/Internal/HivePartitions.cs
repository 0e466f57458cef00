namespace ActorFlow.Parquet.Internal;

/// <summary>INTERNAL API. The <c>name=value</c> directories of a relative file path (Hive partitioning).</summary>
internal static class HivePartitions
{
    public static IReadOnlyDictionary<string, string> Of(string relativePath)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var segments = relativePath.Split('/');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var eq = segments[i].IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                // The first directory of a name wins, as DuckDB's hive_partitioning reads a path.
                values.TryAdd(ParquetPartitioning.Unescape(segments[i][..eq]), ParquetPartitioning.Unescape(segments[i][(eq + 1)..]));
            }
        }

        return values;
    }
}
