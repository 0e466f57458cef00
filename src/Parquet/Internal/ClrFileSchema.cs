using global::Parquet;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Internal;

/// <summary>INTERNAL API. C# records and classes: Parquet.Net's serializer maps their public properties (nested classes, lists, dictionaries).</summary>
internal sealed class ClrFileSchema<T>() : FileSchema("")
{
    public override object ToRow(object record) => record;

    public override Task WriteRowGroupAsync(List<object> rows, Stream file, ParquetOptions options, CancellationToken cancellationToken) =>
        ParquetSerializer.SerializeAsync(rows.Cast<T>(), file, options, cancellationToken: cancellationToken);
}
