using System.Collections.Concurrent;
using ActorFlow.Parquet.Internal;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;
using Avro.Generic;
using Avro.Specific;

namespace ActorFlow.Parquet;

/// <summary>Parquet sinks for the job DSL: <c>.To(ParquetSink.For&lt;T&gt;(directory, options))</c>.</summary>
public static class ParquetSink
{
    /// <summary>
    /// Lands records of <typeparamref name="T"/> as Parquet files under <paramref name="directory"/>, exactly once
    /// (see <see cref="ParquetSink{T}"/>). <typeparamref name="T"/> is an Avro record (<see cref="GenericRecord"/> or
    /// a generated <see cref="ISpecificRecord"/>: the file schema is the record's writer schema, and a new writer
    /// schema starts new files) or any C# record or class (its public properties, as Parquet.Net maps them).
    /// </summary>
    public static ParquetSink<T> For<T>(string directory, ParquetSinkOptions<T>? options = null) => new(directory, options ?? new ParquetSinkOptions<T>());
}

/// <summary>
/// An exactly-once Parquet sink (two-phase commit, as Flink's <c>FileSink</c>): records go to in-progress files
/// (<c>.part-….parquet.inprogress</c>); at each checkpoint's barrier every open file is closed and named in the
/// checkpoint record; once the checkpoint is complete they are renamed to their final names (<c>part-….parquet</c>,
/// an atomic rename, so a reader never sees a half-written final file). When a run starts, the restored checkpoint's
/// files are committed and every other in-progress file under the directory is deleted. The directory belongs to
/// this sink: do not point two sinks (or two jobs) at it. In a job, a record that does not fit the file schema (see
/// <see cref="Refuse"/>) goes to the job's dead-letter output with the reason instead of failing the sink.
/// </summary>
public sealed class ParquetSink<T> : ITwoPhaseCommitSink<T>, IRefusingSink<T>
{
    private const string InProgressSuffix = ".inprogress";
    private readonly string _directory;
    private readonly ParquetSinkOptions<T> _options;
    private readonly Func<T, FileSchema> _schemaOf;

    internal ParquetSink(string directory, ParquetSinkOptions<T> options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _directory = Path.GetFullPath(directory);
        _options = options;
        _schemaOf = SchemaOf();
    }

    /// <summary>The directory the files land in.</summary>
    public string Directory => _directory;

    /// <summary><c>ParquetSink(&lt;directory&gt;)</c>: the stage its dead letters name.</summary>
    public string Name => $"ParquetSink({_directory})";

    /// <summary>
    /// Why <paramref name="record"/> cannot be landed, or null when it can: a null record, a null in a non-nullable
    /// field, a value of another type than its field's, a decimal that does not fit its precision and scale, or an
    /// Avro writer schema without a Parquet form (e.g. a union of several non-null types); the reason names the field.
    /// The runtime asks before the record reaches the writer and dead-letters a refused record; a writer given such a
    /// record anyway (outside a job) fails with the reason. A <see cref="ParquetSinkOptions{T}.PartitionBy"/> that
    /// throws refuses the record too (the runtime reports the exception).
    /// </summary>
    public string? Refuse(T record)
    {
        if (record is null)
        {
            return "does not fit the Parquet file schema: a null record cannot be landed";
        }

        try
        {
            var schema = _schemaOf(record);
            _ = _options.PartitionBy?.Invoke(record);
            _ = schema.ToRow(record);
            return null;
        }
        catch (RecordDoesNotFitException e)
        {
            return "does not fit the Parquet file schema: " + e.Message;
        }
    }

    /// <inheritdoc />
    public ITwoPhaseCommitWriter<T> CreateWriter() => new ParquetFileWriter<T>(_directory, _options, _schemaOf);

    /// <summary>
    /// Without checkpoints (a job that does not checkpoint this sink): the files are committed when the stream
    /// completes, so output is at least once, and files of a run that fails stay in progress until the next start.
    /// </summary>
    public Sink<T, Task<Done>> Sink()
    {
        var writer = CreateWriter(); // one per call: the runtime builds the sink once per run
        return Flow.Create<T>()
            .Grouped(1024)
            .SelectAsync(1, async batch =>
            {
                await writer.WriteAsync([.. batch], CancellationToken.None).ConfigureAwait(false);
                return NotUsed.Instance;
            })
            .ToMaterialized(Akka.Streams.Dsl.Sink.Ignore<NotUsed>(), Keep.Right)
            .MapMaterializedValue(done => FinishAsync(done, writer));
    }

    /// <inheritdoc />
    public Task CommitAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(committables);
        foreach (var relative in committables)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var inProgress = Path.Combine(_directory, relative);
            var final = FinalNameOf(inProgress);
            if (File.Exists(inProgress))
            {
                File.Move(inProgress, final, overwrite: false);
            }
            else if (!File.Exists(final))
            {
                throw new IOException($"Parquet sink '{_directory}': the file '{relative}' of a complete checkpoint is gone (neither in progress nor committed); its records are lost from the landing directory.");
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task RecoverAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(committables);
        try
        {
            System.IO.Directory.CreateDirectory(_directory);
        }
        catch (IOException e) when (File.Exists(_directory))
        {
            throw new IOException($"Parquet sink: the landing directory '{_directory}' is a file, not a directory.", e);
        }

        await CommitAsync(committables, cancellationToken).ConfigureAwait(false);
        foreach (var orphan in System.IO.Directory.EnumerateFiles(_directory, "*" + InProgressSuffix, SearchOption.AllDirectories))
        {
            File.Delete(orphan); // written after the restored checkpoint: its records are read again
        }
    }

    private async Task<Done> FinishAsync(Task<Done> done, ITwoPhaseCommitWriter<T> writer)
    {
        await using (writer.ConfigureAwait(false))
        {
            await done.ConfigureAwait(false);
            await CommitAsync(await writer.PrepareCommitAsync(0, CancellationToken.None).ConfigureAwait(false), CancellationToken.None).ConfigureAwait(false);
        }

        return Done.Instance;
    }

    /// <summary>The final name of an in-progress file: <c>.part-x.parquet.inprogress</c> → <c>part-x.parquet</c>.</summary>
    internal static string FinalNameOf(string inProgress)
    {
        var name = Path.GetFileName(inProgress);
        if (!name.StartsWith('.') || !name.EndsWith(InProgressSuffix, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{inProgress}' is not an in-progress file of a Parquet sink", nameof(inProgress));
        }

        return Path.Combine(Path.GetDirectoryName(inProgress)!, name[1..^InProgressSuffix.Length]);
    }

    private static Func<T, FileSchema> SchemaOf()
    {
        if (typeof(GenericRecord).IsAssignableFrom(typeof(T)) || typeof(ISpecificRecord).IsAssignableFrom(typeof(T)))
        {
            // One file schema per writer schema: the same Schema object is the common case, its JSON the fallback.
            // Thread-safe: the runtime's check (Refuse) and the writer ask at the same time.
            var bySchema = new ConcurrentDictionary<Avro.Schema, FileSchema>(ReferenceEqualityComparer.Instance);
            var byKey = new ConcurrentDictionary<string, FileSchema>(StringComparer.Ordinal);
            return record =>
            {
                var schema = record switch
                {
                    GenericRecord g => g.Schema,
                    ISpecificRecord s => s.Schema,
                    _ => throw new RecordDoesNotFitException("a null record cannot be landed"),
                };
                if (!bySchema.TryGetValue(schema, out var file))
                {
                    file = AvroFileSchema.For(schema);
                    bySchema[schema] = file = byKey.GetOrAdd(file.Key, file);
                }

                return file;
            };
        }

        var clr = new ClrFileSchema<T>();
        return _ => clr;
    }
}
