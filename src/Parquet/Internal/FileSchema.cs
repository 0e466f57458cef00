using global::Parquet;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. The Parquet schema of a group of files and how records become its rows. A record whose writer schema
/// differs (a new Avro schema version) gets another <see cref="FileSchema"/>, and so other files.
/// </summary>
internal abstract class FileSchema(string key)
{
    private IReadOnlySet<string>? _uuidColumns;
    private IReadOnlySet<string>? _finerTimestampColumns;
    private IReadOnlySet<string>? _stringColumns;

    /// <summary>Tells file schemas apart (e.g. the Avro schema's fingerprint); part of the file's bucket.</summary>
    public string Key => key;

    /// <summary>The row of <paramref name="record"/>; throws <see cref="RecordDoesNotFitException"/> when it does not fit.</summary>
    public abstract object ToRow(object record);

    /// <summary>Writes <paramref name="rows"/> as one row group (appending to <paramref name="file"/> when it holds some).</summary>
    public abstract Task WriteRowGroupAsync(List<object> rows, Stream file, ParquetOptions options, CancellationToken cancellationToken);

    /// <summary>The Parquet schema the rows are written with.</summary>
    public abstract global::Parquet.Schema.ParquetSchema Schema { get; }

    /// <summary>The UUID columns' paths (<see cref="PathOf"/>), whose statistics <see cref="StatisticsMends"/> reorders.</summary>
    public IReadOnlySet<string> UuidColumns => _uuidColumns ??= PathsOf(f => f.ClrType == typeof(Guid));

    /// <summary>
    /// The paths of the TIMESTAMP columns in micro- or nanoseconds, whose statistics Parquet.Net writes in milliseconds:
    /// <see cref="StatisticsMends"/> replaces them with the exact bounds.
    /// </summary>
    public IReadOnlySet<string> FinerTimestampColumns => _finerTimestampColumns ??= PathsOf(IsFinerTimestamp);

    /// <summary>The string columns' paths, whose statistics <see cref="StatisticsMends.Utf8"/> widens where Parquet.Net's order may be wrong.</summary>
    public IReadOnlySet<string> StringColumns => _stringColumns ??= PathsOf(IsString);

    /// <summary>A column's path as <see cref="StatisticsMends"/> compares it: its names joined by a unit separator.</summary>
    public static string PathOf(IEnumerable<string> names) => string.Join('\u001f', names);

    /// <summary>Whether <paramref name="field"/> is a string column (Parquet.Net's schema names its type either way).</summary>
    public static bool IsString(global::Parquet.Schema.DataField field) => field.ClrType == typeof(string) || field.ClrType == typeof(ReadOnlyMemory<char>);

    /// <summary>Whether <paramref name="field"/> is a TIMESTAMP column in micro- or nanoseconds.</summary>
    public static bool IsFinerTimestamp(global::Parquet.Schema.DataField field) => field is global::Parquet.Schema.DateTimeDataField
    {
        DateTimeFormat: global::Parquet.Schema.DateTimeFormat.DateAndTimeMicros,
    } or global::Parquet.Schema.DateTimeDataField
    {
        DateTimeFormat: global::Parquet.Schema.DateTimeFormat.Timestamp,
        Unit: not global::Parquet.Schema.DateTimeTimeUnit.Millis,
    };

    /// <summary>The paths of the columns of <see cref="Schema"/> that <paramref name="which"/> picks.</summary>
    private HashSet<string> PathsOf(Func<global::Parquet.Schema.DataField, bool> which) =>
        Schema.GetDataFields().Where(which).Select(f => PathOf(f.Path.ToList())).ToHashSet(StringComparer.Ordinal);
}

/// <summary>INTERNAL API. A record does not fit the file schema.</summary>
internal sealed class RecordDoesNotFitException(string message, Exception? inner = null) : Exception(message, inner);
