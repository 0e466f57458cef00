using global::Parquet;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Internal;

/// <summary>INTERNAL API. C# records and classes: Parquet.Net's serializer maps their public properties (nested classes, lists, dictionaries).</summary>
internal sealed class ClrFileSchema<T>() : FileSchema("")
{
    /// <summary>Checks the record's decimals (<see cref="ClrDecimals"/>), or nothing when it has none.</summary>
    private readonly Action<object>? _checkDecimals = ClrDecimals.TryCheckerFor(typeof(T));

    public override object ToRow(object record)
    {
        _checkDecimals?.Invoke(record);
        return record;
    }

    public override Task WriteRowGroupAsync(List<object> rows, Stream file, ParquetOptions options, CancellationToken cancellationToken) =>
        ParquetSerializer.SerializeAsync(rows.Cast<T>(), file, options, cancellationToken: cancellationToken);
}
