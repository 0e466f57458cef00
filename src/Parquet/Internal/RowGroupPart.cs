namespace ActorFlow.Parquet.Internal;

/// <summary>INTERNAL API. One row group of one file: a partition of a <see cref="ParquetSource{T}"/>.</summary>
internal sealed record RowGroupPart(string Path, string Id, int RowGroup, long Rows);
