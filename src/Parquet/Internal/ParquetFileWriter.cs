using System.Globalization;
using ActorFlow.Topology.Connectors;
using global::Parquet;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. The writer of one run of a <see cref="ParquetSink{T}"/>: one open file per (partition directory,
/// file schema), rolled by row count, size and age, and at every checkpoint (pre-commit closes every open file and
/// returns their in-progress paths). A record that does not fit the file schema fails the writer: in a job the runtime
/// dead-letters such records before they get here (<see cref="ParquetSink{T}.Refuse"/>).
/// </summary>
internal sealed class ParquetFileWriter<T>(string directory, ParquetSinkOptions<T> options, Func<T, FileSchema> schemaOf) : ITwoPhaseCommitWriter<T>
{
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];
    private readonly Dictionary<(string Partition, string Schema), InProgressFile> _open = [];
    private readonly List<string> _closed = [];
    private readonly ParquetOptions _parquet = new()
    {
        CompressionMethod = options.Compression switch
        {
            ParquetCompression.Zstd => CompressionMethod.Zstd,
            ParquetCompression.Gzip => CompressionMethod.Gzip,
            ParquetCompression.None => CompressionMethod.None,
            _ => CompressionMethod.Snappy,
        },
        RowGroupSize = int.MaxValue, // one row group per flush: the writer decides their size
        DictionaryEncodingSampleSize = DictionarySample,
    };

    /// <summary>The values of a string column judged for dictionary encoding before it is tried on all of them.</summary>
    internal const int DictionarySample = 10_000;

    private readonly HashSet<string> _hinted = new(StringComparer.Ordinal);

    private long _files;

    public async ValueTask WriteAsync(IReadOnlyList<T> records, CancellationToken cancellationToken)
    {
        var now = options.Clock.GetTimestamp();
        foreach (var record in records)
        {
            var schema = schemaOf(record);
            var partition = options.PartitionBy is { } by ? by(record).Trim('/') : "";
            var row = schema.ToRow(record!);

            if (_open.TryGetValue((partition, schema.Key), out var file) && options.RollInterval is { } interval && options.Clock.GetElapsedTime(file.OpenedAt, now) >= interval)
            {
                await CloseAsync((partition, schema.Key), file, cancellationToken).ConfigureAwait(false); // rolls before the record, as Flink's rolling policy
                file = null;
            }

            if (file is null)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $".part-{_run}-{_files++:D5}.parquet.inprogress");
                HintDictionaries(schema);
                file = new InProgressFile(directory, partition.Length == 0 ? name : Path.Combine(partition, name), schema, now);
                _open[(partition, schema.Key)] = file;
            }

            file.Add(row);
            if (file.Buffered >= options.RowGroupSize)
            {
                await file.FlushAsync(_parquet, cancellationToken).ConfigureAwait(false);
            }

            if (file.Rows >= (options.RollRecords ?? long.MaxValue) || file.Bytes >= options.RollBytes)
            {
                await CloseAsync((partition, schema.Key), file, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask<IReadOnlyList<string>> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken)
    {
        foreach (var (key, file) in _open.ToList())
        {
            await CloseAsync(key, file, cancellationToken).ConfigureAwait(false);
        }

        var prepared = _closed.ToList();
        _closed.Clear();
        return prepared;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var file in _open.Values)
        {
            await file.AbandonAsync().ConfigureAwait(false);
        }

        _open.Clear();
    }

    /// <summary>
    /// Asks Parquet.Net to dictionary-encode the string columns of <paramref name="schema"/> (it does only where a hint
    /// names the column; it then writes plain any row group whose values are too distinct). Columns are named by path,
    /// so schemas sharing a path share the hint; every schema's string columns get it, so that is the same hint.
    /// </summary>
    private void HintDictionaries(FileSchema schema)
    {
        if (!options.DictionaryEncoding || !_hinted.Add(schema.Key))
        {
            return;
        }

        foreach (var field in schema.Schema.GetDataFields())
        {
            if (FileSchema.IsString(field))
            {
                _parquet.ColumnEncodingHints[field.Path.ToString()] = EncodingHint.Dictionary;
            }
        }
    }

    private async Task CloseAsync((string, string) key, InProgressFile file, CancellationToken cancellationToken)
    {
        _open.Remove(key);
        try
        {
            await file.CloseAsync(_parquet, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await file.AbandonAsync().ConfigureAwait(false);
            throw;
        }

        if (file.HasFile)
        {
            _closed.Add(file.RelativePath);
        }
    }
}
