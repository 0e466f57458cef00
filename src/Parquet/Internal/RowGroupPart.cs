namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. One row group of one file: a partition of a <see cref="ParquetSource{T}"/>. <paramref name="Fill"/>
/// sets a row's members from the file's Hive directories (<see cref="HivePartitionColumns{T}"/>), when there are any.
/// </summary>
/// <paramref name="HivePath"/> is the path whose Hive directories the file has (<see cref="FileSelection.HivePathOf"/>).
internal sealed record RowGroupPart(string Path, string Id, int RowGroup, long Rows, Action<object>? Fill = null, string HivePath = "");
