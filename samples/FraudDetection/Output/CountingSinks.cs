using ActorFlow.Operators;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace FraudDetection.Output;

/// <summary>Counts per class, safe to read while the job runs.</summary>
/// <param name="classes">The class names.</param>
public sealed class Counts(IReadOnlyList<string> classes)
{
    private readonly long[] _counts = new long[classes.Count];

    /// <summary>Gets the class names.</summary>
    public IReadOnlyList<string> Classes { get; } = classes;

    /// <summary>Gets the count of a class.</summary>
    /// <param name="name">The class.</param>
    public long this[string name] => Interlocked.Read(ref _counts[IndexOf(name)]);

    /// <summary>Gets the sum over classes.</summary>
    public long Total => Enumerable.Range(0, _counts.Length).Sum(i => Interlocked.Read(ref _counts[i]));

    /// <summary>Adds to a class.</summary>
    /// <param name="index">The class index.</param>
    /// <param name="count">How many.</param>
    public void Add(int index, long count = 1) => Interlocked.Add(ref _counts[index], count);

    /// <summary>The index of a class.</summary>
    /// <param name="name">The class.</param>
    /// <returns>The index.</returns>
    /// <exception cref="ArgumentException">Unknown class.</exception>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Classes.Count; i++)
        {
            if (Classes[i] == name)
            {
                return i;
            }
        }

        throw new ArgumentException($"unknown class '{name}'", nameof(name));
    }
}

/// <summary>
/// An exactly-once sink that counts what it publishes, by class: the class index rides as the first byte of each
/// encoded record, so the counts are of records written (after their checkpoint), each once. The epochs of the
/// checkpoint the run restored (up to <paramref name="restoredEpoch"/>: found by an earlier run, which normally
/// published them already; the sink skips what the topic holds) count in <paramref name="earlier"/>, so
/// <paramref name="counts"/> holds what this run found. An epoch published again after a failover within the run
/// (the job restored a checkpoint from before it) counts once.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="inner">The sink.</param>
/// <param name="classify">The class index of a record.</param>
/// <param name="counts">The counts of this run's epochs.</param>
/// <param name="earlier">The counts of the restored checkpoint's epochs, published by this run.</param>
/// <param name="restoredEpoch">The id of the checkpoint the run restored (0 for none).</param>
public sealed class CountingCheckpointedSink<T>(ICheckpointedSink<T> inner, Func<T, int> classify, Counts counts, Counts earlier, long restoredEpoch) : ICheckpointedSink<T>
{
    private readonly HashSet<long> _counted = [];

    /// <inheritdoc />
    public byte[] Encode(T value) => Encode(value, Timestamps.NoTimestamp);

    /// <inheritdoc />
    public byte[] Encode(T value, long timestamp)
    {
        var bytes = inner.Encode(value, timestamp);
        var result = new byte[bytes.Length + 1];
        result[0] = checked((byte)classify(value));
        bytes.CopyTo(result, 1);
        return result;
    }

    /// <inheritdoc />
    public Sink<T, Task<Done>> Sink() => inner.Sink();

    /// <inheritdoc />
    public Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, CancellationToken cancellationToken) =>
        PublishAsync(epoch, records, null, cancellationToken);

    /// <inheritdoc />
    public async Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, string? writer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var unwrapped = records.Select(r => r[1..]).ToList();
        // The writer goes on (the Kafka sink tells its own epochs from another writer's by it).
        await (writer is null ? inner.PublishAsync(epoch, unwrapped, cancellationToken) : inner.PublishAsync(epoch, unwrapped, writer, cancellationToken)).ConfigureAwait(false);
        lock (_counted)
        {
            if (!_counted.Add(epoch))
            {
                return; // published again after a failover in this run (it restored a checkpoint from before it): counted already
            }
        }

        var target = epoch <= restoredEpoch ? earlier : counts;
        foreach (var record in records)
        {
            target.Add(record[0]);
        }
    }

    /// <inheritdoc />
    public Task CloseAsync() => inner.CloseAsync();
}

/// <summary>
/// A sink that counts the records it passes on (at least once, like the sink it wraps). It takes the job's batches
/// with their event timestamps (<see cref="IBatchSinkConnector{T}"/>) and hands them on as they are, so a Kafka sink
/// under it still writes each record's event time as its Kafka timestamp, and it flushes the sink it wraps at each
/// checkpoint when that one can be flushed (<see cref="IFlushingSinkConnector{T}"/>: the Kafka sinks).
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
/// <param name="inner">The sink.</param>
/// <param name="counts">The counts (class 0).</param>
public sealed class CountingSink<T>(ISinkConnector<T> inner, Counts counts) : IFlushingSinkConnector<T>
{
    /// <inheritdoc />
    public Task FlushAsync(CancellationToken cancellationToken) =>
        inner is IFlushingSinkConnector<T> flushing ? flushing.FlushAsync(cancellationToken) : Task.CompletedTask;

    /// <inheritdoc />
    public Sink<T, Task<Done>> Sink() => Flow.Create<T>().Select(v =>
    {
        counts.Add(0);
        return v;
    }).ToMaterialized(inner.Sink(), Keep.Right);

    /// <inheritdoc />
    public Sink<IReadOnlyList<TimestampedValue<T>>, Task<Done>> BatchSink()
    {
        var counted = Flow.Create<IReadOnlyList<TimestampedValue<T>>>().Select(batch =>
        {
            counts.Add(0, batch.Count);
            return batch;
        });
        return inner is IBatchSinkConnector<T> batched
            ? counted.ToMaterialized(batched.BatchSink(), Keep.Right)
            : counted.SelectMany(batch => batch.Select(r => r.Value)).ToMaterialized(inner.Sink(), Keep.Right);
    }
}
