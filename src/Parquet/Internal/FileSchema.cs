using global::Parquet;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. The Parquet schema of a group of files and how records become its rows. A record whose writer schema
/// differs (a new Avro schema version) gets another <see cref="FileSchema"/>, and so other files.
/// </summary>
internal abstract class FileSchema(string key)
{
    /// <summary>Tells file schemas apart (e.g. the Avro schema's fingerprint); part of the file's bucket.</summary>
    public string Key => key;

    /// <summary>The row of <paramref name="record"/>; throws <see cref="RecordDoesNotFitException"/> when it does not fit.</summary>
    public abstract object ToRow(object record);

    /// <summary>Writes <paramref name="rows"/> as one row group (appending to <paramref name="file"/> when it holds some).</summary>
    public abstract Task WriteRowGroupAsync(List<object> rows, Stream file, ParquetOptions options, CancellationToken cancellationToken);

    /// <summary>The UUID columns' paths (<see cref="PathOf"/>), whose statistics <see cref="UuidStatistics"/> mends.</summary>
    public abstract IReadOnlySet<string> UuidColumns { get; }

    /// <summary>A column's path as <see cref="UuidStatistics"/> compares it: its names joined by a unit separator.</summary>
    public static string PathOf(IEnumerable<string> names) => string.Join('\u001f', names);

    /// <summary>The paths of the UUID columns of <paramref name="schema"/>.</summary>
    protected static IReadOnlySet<string> UuidColumnsOf(global::Parquet.Schema.ParquetSchema schema) =>
        schema.GetDataFields().Where(f => f.ClrType == typeof(Guid)).Select(f => PathOf(f.Path.ToList())).ToHashSet(StringComparer.Ordinal);
}

/// <summary>INTERNAL API. A record does not fit the file schema.</summary>
internal sealed class RecordDoesNotFitException(string message, Exception? inner = null) : Exception(message, inner);
