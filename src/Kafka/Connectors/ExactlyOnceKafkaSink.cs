using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Frozen;
using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Internal;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Producer.Internal;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Operators.Serialization;
using ActorFlow.Persistence.Partitioning;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Connectors;

/// <summary>
/// INTERNAL API. Exactly-once Kafka output without transactions (works on the embedded broker too): each epoch is
/// published after its checkpoint completed, with headers <c>actorflow.epoch</c> and <c>actorflow.index</c>, by an
/// idempotent producer to partitions this sink computes itself (the Java producer's murmur2 of the key, so keys land where
/// every Java, Kafka Streams and Flink producer puts them; without a key, round robin by index from a partition that moves
/// on with every epoch, so that small epochs spread over the partitions), so that every partition receives an epoch's
/// records in index order. Before its first publish, the sink reads the last record of every partition and skips
/// what is already there, when the same writer (header <c>actorflow.writer</c>, the runtime's id of a lineage of
/// checkpoints) wrote it: epochs are checkpoint ids, which start again at 1 for a new job name or an empty checkpoint
/// store. A last record without the header (written before writer ids were kept) counts as before. The topic must be
/// written by this sink only. Each record's event timestamp is its Kafka
/// timestamp (as Flink's KafkaSink), kept with it in the checkpoint record. A null value is written as a tombstone, as
/// the plain sink writes it.
/// </summary>
internal sealed class ExactlyOnceKafkaSink<T>(
    ProducerSettings<byte[], byte[]> settings, string topic, Func<T, (byte[]? Key, byte[] Value)> encode, Func<T, Message<byte[], byte[]>>? encodeMessage = null, Func<T, byte[]?>? partitionKey = null)
    : ICheckpointedSink<T>, IBatchSinkConnector<T>, ICheckedSink, IDisposable
{
    private const string EpochHeader = "actorflow.epoch";
    private const string IndexHeader = "actorflow.index";
    private const string WriterHeader = "actorflow.writer";

    // A record's durable form: this marker, the event timestamp (int64), then key length (int32, -1 for none), key and
    // value. Records stored by builds before timestamps were kept start with the key length (never below -1).
    private const int TimestampedLayout = -2;

    // The same for a null value (a tombstone): nothing follows the key.
    private const int TombstoneLayout = -3;

    // The two layouts above as this build stores them: a keyless record's round robin starts at the epoch's partition
    // (epoch modulo partitions). Records stored by builds before 2026-12-06 (-2, -3) started every epoch at partition 0
    // and are published again where those builds put them.
    private const int EpochStartLayout = -4;
    private const int EpochStartTombstoneLayout = -5;

    // A record with headers of its own (from a message encoder): as EpochStartLayout, with the value's length (-1 for a
    // tombstone) after the key, then the headers (count, then name length and UTF-8 name, value length (-1 for null)
    // and value, each).
    private const int HeadersLayout = -6;

    // A record placed by a partition key of its own (ExactlyOnceSink's partitionKey): as HeadersLayout, with the murmur2
    // hash of that key (int32) after the timestamp; it goes to the Java producer's partition of that key.
    private const int PartitionHashLayout = -7;

    // How long a publish that filled the producer's queue (queue.buffering.max.messages or .kbytes) polls for delivery
    // reports, which make room, before it produces again (as the producer stages do on Local_QueueFull).
    private static readonly TimeSpan QueueFullRetry = TimeSpan.FromMilliseconds(10);

    /// <summary>librdkafka's producer-only properties (scope P in its CONFIGURATION.md, 2.16), kept from the tail consumer.</summary>
    private static readonly FrozenSet<string> ProducerOnly = FrozenSet.Create(
        StringComparer.Ordinal,
        "transactional.id", "transaction.timeout.ms", "enable.idempotence", "enable.gapless.guarantee", "queue.buffering.max.messages",
        "queue.buffering.max.kbytes", "queue.buffering.max.ms", "linger.ms", "message.send.max.retries", "retries",
        "queue.buffering.backpressure.threshold", "compression.codec", "compression.type", "compression.level", "batch.num.messages",
        "batch.size", "delivery.report.only.error", "dr_cb", "dr_msg_cb", "sticky.partitioning.linger.ms", "request.required.acks", "acks",
        "request.timeout.ms", "message.timeout.ms", "delivery.timeout.ms", "queuing.strategy", "produce.offset.report", "partitioner",
        "partitioner_cb", "msg_order_cmp");

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IProducer<byte[], byte[]>? _producer;

    private Tail[]? _published;

    private IBatchSinkConnector<T> Plain => partitionKey is not null
        ? throw new NotSupportedException($"The exactly-once sink for '{topic}' with a partition key places its records when a job publishes them; outside a job use KafkaConnectors.Sink with ProducerRecord and an explicit partition.")
        : (IBatchSinkConnector<T>)(encodeMessage is null
        ? KafkaConnectors.Sink(settings, topic, encode)
        : KafkaConnectors.Sink<T>(settings, value => new ProducerRecord<byte[], byte[]>(topic, encodeMessage(value))));
    private int _openProducers;

    /// <summary>Producers this sink has built and not yet disposed (0 or 1; for tests).</summary>
    internal int OpenProducers => Volatile.Read(ref _openProducers);

    public byte[] Encode(T value) => Encode(value, Timestamps.NoTimestamp);

    public byte[] Encode(T value, long timestamp)
    {
        if (encodeMessage is not null)
        {
            var message = encodeMessage(value) ?? throw new InvalidOperationException($"The exactly-once sink's encoder for '{topic}' returned no message.");
            if (partitionKey?.Invoke(value) is { } placedBy)
            {
                return EncodeWithHeaders(message.Key, message.Value, message.Headers ?? [], timestamp, JavaPartitioner.Murmur2(placedBy));
            }

            if (message.Headers is { Count: > 0 } headers)
            {
                return EncodeWithHeaders(message.Key, message.Value, headers, timestamp);
            }

            return EncodeKeyValue(message.Key, message.Value, timestamp);
        }

        var (key, bytes) = encode(value);
        return EncodeKeyValue(key, bytes, timestamp);
    }

    private static byte[] EncodeKeyValue(byte[]? key, byte[]? bytes, long timestamp)
    {
        var result = new byte[16 + (key?.Length ?? 0) + (bytes?.Length ?? 0)];
        BinaryPrimitives.WriteInt32LittleEndian(result, bytes is null ? EpochStartTombstoneLayout : EpochStartLayout);
        BinaryPrimitives.WriteInt64LittleEndian(result.AsSpan(4), timestamp);
        BinaryPrimitives.WriteInt32LittleEndian(result.AsSpan(12), key?.Length ?? -1);
        key?.CopyTo(result, 16);
        bytes?.CopyTo(result, 16 + (key?.Length ?? 0));
        return result;
    }

    /// <summary>Outside a job's checkpoints (the sink run as a stream of its own) the records go out through the plain key-and-value sink.</summary>
    public Sink<T, Task<Done>> Sink() => Plain.Sink();

    /// <summary>Outside a job's checkpoints the records go out as from the plain sink, with their timestamps.</summary>
    public Sink<IReadOnlyList<TimestampedValue<T>>, Task<Done>> BatchSink() => Plain.BatchSink();

    /// <summary>Publishes for no particular writer: whatever the partitions' last records show counts (as before writer ids).</summary>
    public Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, CancellationToken cancellationToken) =>
        PublishForAsync(epoch, records, null, cancellationToken);

    public Task PublishAsync(long epoch, IReadOnlyList<byte[]> records, string writer, CancellationToken cancellationToken) =>
        PublishForAsync(epoch, records, writer, cancellationToken);

    private async Task PublishForAsync(long epoch, IReadOnlyList<byte[]> records, string? writer, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var producer = _producer ??= BuildProducer();
            var published = _published ??= await Task.Run(() => ReadTails(producer), cancellationToken).ConfigureAwait(false);
            Error? failure = null;
            try
            {
                Produce(producer, epoch, writer, records, published, r =>
                {
                    if (r.Error.IsError)
                    {
                        failure ??= r.Error;
                    }
                }, () => failure is not null, cancellationToken);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                Forget();
                throw;
            }

            if (producer.Flush(settings.FlushTimeout) > 0 || failure is not null)
            {
                Forget();
                throw new KafkaException(failure ?? new Error(ErrorCode.Local_TimedOut, $"publishing epoch {epoch} to '{topic}' did not complete within {settings.FlushTimeout}"));
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The run ended: disposes the producer (after a publish in progress); the next publish builds a new one.</summary>
    public async Task CloseAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            DisposeProducer();
            _published = null; // another run may have written since: read the tails again
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        DisposeProducer();
        _gate.Dispose();
    }

    /// <summary>
    /// Hands epoch <paramref name="epoch"/>'s records that <paramref name="published"/> does not show as already written by
    /// <paramref name="writer"/> to the producer, in index order, and moves <paramref name="published"/> on. A full producer queue is waited out
    /// (polling for delivery reports) unless a delivery has already failed (<paramref name="failed"/>): the publish
    /// fails then anyway.
    /// </summary>
    private void Produce(
        IProducer<byte[], byte[]> producer,
        long epoch,
        string? writer,
        IReadOnlyList<byte[]> records,
        Tail[] published,
        Action<DeliveryReport<byte[], byte[]>> onReport,
        Func<bool> failed,
        CancellationToken cancellationToken)
    {
        // The same for every record of the epoch (the client copies a header's bytes when it takes the record).
        var epochBytes = Encoding.ASCII.GetBytes(epoch.ToString(CultureInfo.InvariantCulture));
        var writerBytes = writer is null ? null : Encoding.UTF8.GetBytes(writer);
        for (var i = 0; i < records.Count; i++)
        {
            var (key, value, timestamp, placement, hash) = Decode(records[i]);
            var partition = placement switch
            {
                Placement.ByHash => (hash & 0x7fffffff) % published.Length,
                Placement.EpochStart => PartitionOf(key, i, epoch, published.Length),
                Placement.FromZero => PartitionBefore20261206(key, i, published.Length),
                _ => PartitionBefore20261205(key, i, published.Length),
            };
            var last = published[partition];
            if (last.SameWriter(writer) && (last.Epoch > epoch || (last.Epoch == epoch && last.Index >= i)))
            {
                continue; // already there from an interrupted attempt
            }

            // The record's own headers first, then the sink's (a reader of the tail takes the last of each name).
            var headers = BinaryPrimitives.ReadInt32LittleEndian(records[i]) is HeadersLayout or PartitionHashLayout ? DecodeWithHeaders(records[i]).Headers : [];
            headers.Add(EpochHeader, epochBytes);
            headers.Add(IndexHeader, Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture)));
            if (writerBytes is not null)
            {
                headers.Add(WriterHeader, writerBytes);
            }

            var message = new Message<byte[], byte[]>
            {
                Key = key!,
                Value = value!, // null: a tombstone, as the plain sink writes it
                Timestamp = RecordWriters.EventTime(timestamp),
                Headers = headers,
            };
            while (true)
            {
                try
                {
                    producer.Produce(new TopicPartition(topic, partition), message, onReport);
                    break;
                }
                catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull && !failed())
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    producer.Poll(QueueFullRetry);
                }
            }

            published[partition] = new Tail(epoch, i, writer);
        }
    }

    /// <summary>
    /// The producer's configuration: the settings with idempotence, acks=all and librdkafka's gapless guarantee (a failed
    /// batch that would leave a gap before later records of its partition stops the producer with a fatal error instead):
    /// recovery reads each partition's tail as the unbroken prefix of the epoch published so far, so a record missing
    /// before a later one would be taken as written. Records failing by <c>message.timeout.ms</c> are outside that
    /// guarantee (librdkafka 2.x): keep it above the flush timeout.
    /// </summary>
    internal ProducerConfig ProducerConfig() => settings
        .WithProperty("enable.idempotence", "true")
        .WithProperty("enable.gapless.guarantee", "true")
        .WithProperty("acks", "all")
        .ToProducerConfig();

    /// <summary>Makes the producer it publishes with and the consumer it reads the partitions' tails with, and closes them.</summary>
    public void CheckSettings()
    {
        ProducerFactory.Check(ProducerConfig());
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(TailConsumerConfig()).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
    }

    private IProducer<byte[], byte[]> BuildProducer()
    {
        var log = KafkaClientLog.For(null);
        var producer = new ProducerBuilder<byte[], byte[]>(ProducerConfig())
            .SetLogHandler(log.OnLog)
            .SetErrorHandler(log.OnError)
            .Build();
        Interlocked.Increment(ref _openProducers);
        return producer;
    }

    /// <summary>
    /// After a failed publish it is unknown what arrived: the retry reads the tails again, with a new producer. The old
    /// one goes with every record it still holds: records left queued when the flush timed out (a broker away longer
    /// than the flush timeout, <c>message.timeout.ms</c> longer still) would otherwise be delivered after the retry had
    /// read the tails and written them again, twice in the topic. A producer that raised a fatal error (the gapless
    /// guarantee's, or a fenced idempotent producer) refuses everything from then on anyway.
    /// </summary>
    private void Forget()
    {
        _published = null;
        DisposeProducer();
    }

    private void DisposeProducer()
    {
        if (Interlocked.Exchange(ref _producer, null) is { } producer)
        {
            producer.Dispose();
            Interlocked.Decrement(ref _openProducers);
        }
    }

    /// <summary>
    /// Where a record goes: the Java producer's partition of its key (murmur2); without one, round robin by index from the
    /// epoch's partition (epoch modulo partitions), so that epochs of fewer records than partitions do not all land in the
    /// first partitions (the Java producer's sticky partitioner moves on per batch; an epoch is published as one batch).
    /// </summary>
    private static int PartitionOf(byte[]? key, int index, long epoch, int partitions) =>
        key is null ? (int)(((epoch % partitions) + partitions + index) % partitions) : JavaPartitioner.PartitionFor(key, partitions);

    /// <summary>
    /// Where builds from 2026-12-05 to 2026-12-06 put a record (murmur2 of the key, else round robin from partition 0 in
    /// every epoch), kept for the records they stored, as <see cref="PartitionBefore20261205"/> is.
    /// </summary>
    private static int PartitionBefore20261206(byte[]? key, int index, int partitions) =>
        key is null ? index % partitions : JavaPartitioner.PartitionFor(key, partitions);

    /// <summary>
    /// Where builds before 2026-12-05 put a record (murmur3 of a non-empty key, else round robin), kept for the records
    /// they stored (the old layout): a checkpoint they took is published again on the first start of this build, and
    /// the skip of what is already there compares each partition's last index, so those records must go where the old
    /// build put them (else records are written twice, or skipped and lost).
    /// </summary>
    private static int PartitionBefore20261205(byte[]? key, int index, int partitions) =>
        key is { Length: > 0 } ? (int)(KeyGroups.Hash(key) % (uint)partitions) : index % partitions;

    private static byte[] EncodeWithHeaders(byte[]? key, byte[]? value, Headers headers, long timestamp, int? hash = null)
    {
        // The sink's own headers are its to write: one of the message's under their names would be read as the
        // partition's tail by a later publish (which takes the last of each name).
        var own = headers.Where(h => h.Key is not (EpochHeader or IndexHeader or WriterHeader)).ToList();
        var buffer = new ArrayBufferWriter<byte>(64 + (key?.Length ?? 0) + (value?.Length ?? 0));
        var writer = new StateWriter(buffer);
        writer.WriteInt32(hash is null ? HeadersLayout : PartitionHashLayout);
        writer.WriteInt64(timestamp);
        if (hash is { } placed)
        {
            writer.WriteInt32(placed);
        }
        writer.WriteBytes(key);
        writer.WriteBytes(value);
        writer.WriteInt32(own.Count);
        foreach (var header in own)
        {
            writer.WriteString(header.Key);
            writer.WriteBytes(header.GetValueBytes());
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static (byte[]? Key, byte[]? Value, long Timestamp, Headers Headers, int Hash) DecodeWithHeaders(byte[] record)
    {
        var reader = new StateReader(record);
        var layout = reader.ReadInt32();
        var timestamp = reader.ReadInt64();
        var hash = layout == PartitionHashLayout ? reader.ReadInt32() : 0;
        var key = reader.ReadBytes();
        var value = reader.ReadBytes();
        var headers = new Headers();
        for (var count = reader.ReadInt32(); count > 0; count--)
        {
            headers.Add(reader.ReadString() ?? "", reader.ReadBytes());
        }

        return (key, value, timestamp, headers, hash);
    }

    private static (byte[]? Key, byte[]? Value, long Timestamp, Placement Placement, int Hash) Decode(byte[] record)
    {
        var layout = BinaryPrimitives.ReadInt32LittleEndian(record);
        if (layout is HeadersLayout or PartitionHashLayout)
        {
            var (k, v, t, _, h) = DecodeWithHeaders(record);
            return (k, v, t, layout == PartitionHashLayout ? Placement.ByHash : Placement.EpochStart, h);
        }

        var timestamped = layout is TimestampedLayout or TombstoneLayout or EpochStartLayout or EpochStartTombstoneLayout;
        var timestamp = timestamped ? BinaryPrimitives.ReadInt64LittleEndian(record.AsSpan(4)) : Timestamps.NoTimestamp;
        var start = timestamped ? 12 : 0;
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(record.AsSpan(start));
        var key = keyLength < 0 ? null : record.AsSpan(start + 4, keyLength).ToArray();
        var value = layout is TombstoneLayout or EpochStartTombstoneLayout ? null : record.AsSpan(start + 4 + Math.Max(0, keyLength)).ToArray();
        var placement = layout is EpochStartLayout or EpochStartTombstoneLayout ? Placement.EpochStart
            : timestamped ? Placement.FromZero
            : Placement.Murmur3;
        return (key, value, timestamp, placement, 0);
    }

    /// <summary>How the build that stored a record placed it (see <see cref="PartitionOf"/> and the two before it), or by its partition key's hash.</summary>
    private enum Placement
    {
        Murmur3,
        FromZero,
        EpochStart,
        ByHash,
    }

    /// <summary>
    /// The configuration of the consumer that reads the partitions' last records: the sink's client properties
    /// (<c>bootstrap.servers</c>, <c>security.protocol</c>, <c>sasl.*</c>, <c>ssl.*</c>, <c>client.id</c>, socket and
    /// broker settings: everything the producer connects with) without the producer-only ones, which a consumer ignores
    /// with a warning (librdkafka) or refuses (Confluent.Kafka's <c>dotnet.producer.*</c>); a group of its own, never
    /// committed.
    /// </summary>
    internal ConsumerConfig TailConsumerConfig()
    {
        KafkaClientProperties.RequireBootstrapServers(settings.Properties, "The exactly-once sink's producer settings");
        var config = new ConsumerConfig(settings.Properties
            .Where(p => !ProducerOnly.Contains(p.Key) && !p.Key.StartsWith("dotnet.producer.", StringComparison.Ordinal))
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal))
        {
            GroupId = "actorflow-tail-" + Guid.NewGuid().ToString("N"),
            EnableAutoCommit = false,
            EnablePartitionEof = true, // tells "nothing readable at the last offset" (a control record) from a fetch that did not answer
        };
        return config;
    }

    private Tail[] ReadTails(IProducer<byte[], byte[]> producer)
    {
        using var admin = new DependentAdminClientBuilder(producer.Handle).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(30)).Topics.Single();
        if (metadata.Error.IsError || metadata.Partitions.Count == 0)
        {
            throw new KafkaException(new Error(metadata.Error.Code, $"exactly-once sink: topic '{topic}' is not available: {metadata.Error.Reason}"));
        }

        var tails = new Tail[metadata.Partitions.Count];
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(TailConsumerConfig())
            .SetLogHandler(KafkaClientLog.For(null).OnLog)
            .SetErrorHandler(KafkaClientLog.For(null).OnError)
            .Build();
        for (var p = 0; p < tails.Length; p++)
        {
            tails[p] = Tail.None;
            var tp = new TopicPartition(topic, p);
            var high = consumer.QueryWatermarkOffsets(tp, TimeSpan.FromSeconds(30)).High.Value;
            if (high <= 0)
            {
                continue;
            }

            consumer.Assign(new TopicPartitionOffset(tp, high - 1));
            // A fetch that does not answer in time (a leader moving, a slow broker) is no answer: reading it as "no sink
            // record there" would publish the epoch again over what the partition already holds. The publish fails
            // and is retried instead.
            var last = consumer.Consume(settings.FlushTimeout)
                ?? throw new KafkaException(new Error(ErrorCode.Local_TimedOut, $"exactly-once sink: reading the last record of {tp} (offset {high - 1}) did not complete within {settings.FlushTimeout}"));
            if (last.Message?.Headers is { } headers && headers.TryGetLastBytes(EpochHeader, out var e) && headers.TryGetLastBytes(IndexHeader, out var i))
            {
                tails[p] = new Tail(
                    long.Parse(Encoding.ASCII.GetString(e), CultureInfo.InvariantCulture),
                    long.Parse(Encoding.ASCII.GetString(i), CultureInfo.InvariantCulture),
                    headers.TryGetLastBytes(WriterHeader, out var w) ? Encoding.UTF8.GetString(w) : null);
            }
        }

        return tails;
    }

    /// <summary>
    /// What a partition's last record shows: its epoch and index (-1 and -1 for none, or one this sink did not write),
    /// and its writer (null: written without one, before writer ids were kept, or by a publish for no writer).
    /// </summary>
    private readonly record struct Tail(long Epoch, long Index, string? Writer)
    {
        public static readonly Tail None = new(-1, -1, null);

        /// <summary>Whether the epoch and index count for <paramref name="writer"/>: the same one, or either unknown.</summary>
        public bool SameWriter(string? writer) => Writer is null || writer is null || string.Equals(Writer, writer, StringComparison.Ordinal);
    }
}
