using global::Parquet;
using global::Parquet.Serialization;

namespace ActorFlow.Parquet.Internal;

/// <summary>INTERNAL API. C# records and classes: Parquet.Net's serializer maps their public properties (nested classes, lists, dictionaries).</summary>
internal sealed class ClrFileSchema<T> : FileSchema
{
    /// <summary>Fails (<see cref="NotSupportedException"/>) for a type with a member Parquet.Net 6.1 lands wrongly (<see cref="ClrMembers"/>).</summary>
    public ClrFileSchema()
        : base("")
    {
        if (ClrMembers.Unsupported(typeof(T), timeOnly: true) is { } reason)
        {
            throw new NotSupportedException($"ParquetSink<{typeof(T).Name}>: {reason}; land another type (e.g. a long).");
        }
    }

    /// <summary>Checks the record's decimals (<see cref="ClrDecimals"/>), or nothing when it has none.</summary>
    private readonly Action<object>? _checkDecimals = ClrDecimals.TryCheckerFor(typeof(T));

    public override object ToRow(object record)
    {
        _checkDecimals?.Invoke(record);
        return record;
    }

    private global::Parquet.Schema.ParquetSchema? _schema;

    // Made at the first write: the constructor first refuses a type Parquet.Net cannot map (with the reason). The schema
    // the serializer writes with (every readable member, a get-only one too), not the one it reads with (settable ones).
    public override global::Parquet.Schema.ParquetSchema Schema => _schema ??= typeof(T).GetParquetSchema(false);

    public override Task WriteRowGroupAsync(List<object> rows, Stream file, ParquetOptions options, CancellationToken cancellationToken) =>
        ParquetSerializer.SerializeAsync(rows.Cast<T>(), file, options, cancellationToken: cancellationToken);
}
