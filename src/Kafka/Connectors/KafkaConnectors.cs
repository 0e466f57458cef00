using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Consumer.Internal;
using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Producer.Internal;
using ActorFlow.Kafka.Settings;
using ActorFlow.Operators;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Connectors;

/// <summary>Kafka as a job source and sink. Records travel as bytes; decoding happens in the job so that failures become dead letters.</summary>
public static class KafkaConnectors
{
    /// <summary>
    /// A source reading <paramref name="subscription"/>: one partition per Kafka partition, records decoded by
    /// <paramref name="decode"/>, timestamped with the record's Kafka timestamp. A record <paramref name="decode"/>
    /// throws on becomes a dead letter carrying topic, partition, offset and the raw bytes.
    /// </summary>
    public static ISourceConnector<T> Source<T>(ConsumerSettings<byte[], byte[]> settings, ISubscription subscription, Func<ConsumeResult<byte[], byte[]>, T> decode)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(decode);
        return new SourceConnector<T>(settings, subscription, decode);
    }

    /// <summary>
    /// A bounded source (<see cref="Boundedness.Bounded"/>, as Flink's <c>KafkaSource</c> with
    /// <c>setBounded(OffsetsInitializer.latest())</c>): reads every partition of <paramref name="subscription"/> from
    /// its start up to the end offset it had when the connector first started, then completes, so a
    /// job whose sources are all bounded ends by itself. Each partition starts at the restored checkpoint's offset;
    /// without one at the consumer group's committed offset, else at <c>auto.offset.reset</c> (earliest by default).
    /// The end offsets are fixed once per connector: a failover or a restart from a checkpoint in the same process
    /// reads up to the same end. Records are decoded and timestamped as by <see cref="Source{T}"/>.
    /// </summary>
    /// <remarks>
    /// The partitions and end offsets are looked up when the job starts (metadata and ListOffsets), within the
    /// settings' connection timeout. A partition ends when the consumer's position reaches its end offset, so topics
    /// written by transactional producers (whose last offsets are commit or abort markers, or, under
    /// <c>read_committed</c>, records of aborted transactions, none of which a consumer returns) end too, as with
    /// Flink's bounded KafkaSource. The end offset is ListOffsets with the consumer's isolation level, as Flink's
    /// <c>OffsetsInitializer.latest()</c>: the last stable offset under <c>read_committed</c> (a transaction still open
    /// at the start is not waited for; its records are read by a later run), the high watermark under
    /// <c>read_uncommitted</c>.
    /// </remarks>
    public static ISourceConnector<T> BoundedSource<T>(ConsumerSettings<byte[], byte[]> settings, ISubscription subscription, Func<ConsumeResult<byte[], byte[]>, T> decode)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(subscription);
        ArgumentNullException.ThrowIfNull(decode);
        return new BoundedSourceConnector<T>(settings, subscription, decode);
    }

    /// <summary>A sink writing each value as the record <paramref name="encode"/> makes.</summary>
    public static ISinkConnector<T> Sink<T>(ProducerSettings<byte[], byte[]> settings, Func<T, ProducerRecord<byte[], byte[]>> encode)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(encode);
        return new SinkConnector<T>(settings, encode);
    }

    /// <summary>
    /// A sink writing each value to <paramref name="topic"/> with the key and value <paramref name="encode"/> makes (a
    /// null key: the producer's partitioner spreads records). The same encoder fits
    /// <see cref="ExactlyOnceSink{T}(ProducerSettings{byte[], byte[]}, string, Func{T, ValueTuple{byte[], byte[]}})"/>, so a job switches between the two by name alone.
    /// </summary>
    public static ISinkConnector<T> Sink<T>(ProducerSettings<byte[], byte[]> settings, string topic, Func<T, (byte[]? Key, byte[] Value)> encode)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(encode);
        return new KeyValueSinkConnector<T>(settings, topic, encode);
    }

    /// <summary>
    /// An exactly-once sink (every job checkpoints, with or without keyed stages): the records emitted between two checkpoints are kept in
    /// the checkpoint record and published to <paramref name="topic"/> once the checkpoint is complete, so after a
    /// crash nothing is missing and nothing is written twice, also without Kafka transactions. The topic must be
    /// written by this sink only; a keyed record goes to the partition the Apache Kafka Java producer gives its key
    /// (<c>(murmur2(key) &amp; 0x7fffffff) % partitions</c>, as the plain sinks do with this module's default
    /// <c>partitioner = murmur2_random</c>), so the topic stays co-partitioned with topics Java, Kafka Streams or Flink
    /// producers write; records without a key go round robin. Run outside a job's checkpoints (a stream of its own) it
    /// behaves as the plain <c>Sink</c>, which takes the same <paramref name="encode"/>.
    /// </summary>
    /// <remarks>
    /// <para>
    /// <b>The checkpoint interval decides when output becomes visible.</b> A record is published only after the
    /// checkpoint following it completes: up to one <c>JobRunnerOptions.CheckpointInterval</c> (default 10 s) plus the
    /// time the checkpoint takes, and never while checkpoints are off (<c>CheckpointInterval = null</c>) except for
    /// those triggered by <c>RunningJob.CheckpointAsync</c>. A shorter interval gives lower latency at the cost of
    /// more checkpoint work (one snapshot per key group and one checkpoint record, holding the epoch's output, per
    /// interval); a longer one makes larger checkpoint records and later, burstier output. A job that stops publishes
    /// nothing after its last complete checkpoint; the next start publishes that epoch and replays the rest.
    /// </para>
    /// </remarks>
    public static ISinkConnector<T> ExactlyOnceSink<T>(ProducerSettings<byte[], byte[]> settings, string topic, Func<T, (byte[]? Key, byte[] Value)> encode)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(encode);
        return new ExactlyOnceKafkaSink<T>(settings, topic, encode);
    }

    /// <summary>
    /// The exactly-once sink (see <see cref="ExactlyOnceSink{T}(ProducerSettings{byte[], byte[]}, string, Func{T, ValueTuple{byte[], byte[]}})"/>)
    /// writing each value to <paramref name="topic"/> as the message <paramref name="encode"/> makes: its key, value and
    /// headers (e.g. a trace id, or a header naming the value's schema), kept in the checkpoint record with the value.
    /// The message's timestamp is not used: a record's Kafka timestamp is its event time, as in the other sinks. The sink
    /// adds its own headers (<c>actorflow.epoch</c>, <c>actorflow.index</c>, <c>actorflow.writer</c>) after the message's.
    /// </summary>
    public static ISinkConnector<T> ExactlyOnceSink<T>(ProducerSettings<byte[], byte[]> settings, string topic, Func<T, Message<byte[], byte[]>> encode)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(encode);
        return MessageSink(settings, topic, encode, null);
    }

    /// <summary>
    /// The exactly-once sink of <see cref="ExactlyOnceSink{T}(ProducerSettings{byte[], byte[]}, string, Func{T, Message{byte[], byte[]}})"/>
    /// placing each record by <paramref name="partitionKey"/> instead of its Kafka key: the partition the Java producer
    /// gives those bytes (murmur2), as Flink's <c>KafkaRecordSerializationSchema.setPartitioner</c> and Kafka Streams'
    /// <c>WindowedStreamPartitioner</c> (a windowed key placed by its base key, so every window of a key lands in one
    /// partition) do. A null partition key places the record by its Kafka key as usual. The sink places records when a
    /// job publishes them; it does not run outside a job.
    /// </summary>
    public static ISinkConnector<T> ExactlyOnceSink<T>(ProducerSettings<byte[], byte[]> settings, string topic, Func<T, Message<byte[], byte[]>> encode, Func<T, byte[]?> partitionKey)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        ArgumentNullException.ThrowIfNull(encode);
        ArgumentNullException.ThrowIfNull(partitionKey);
        return MessageSink(settings, topic, encode, partitionKey);
    }

    /// <summary>The exactly-once sink of a message encoder, placed by its key or by <paramref name="partitionKey"/>.</summary>
    private static ExactlyOnceKafkaSink<T> MessageSink<T>(ProducerSettings<byte[], byte[]> settings, string topic, Func<T, Message<byte[], byte[]>> encode, Func<T, byte[]?>? partitionKey) =>
        new(
            settings,
            topic,
            value => encode(value) is { } message ? (message.Key, message.Value) : throw new InvalidOperationException($"The exactly-once sink's encoder for '{topic}' returned no message."),
            encode,
            partitionKey);

    /// <summary>
    /// A dead-letter sink: the raw key and value go to <paramref name="topic"/> with headers <c>actorflow.error</c>,
    /// <c>actorflow.origin</c> (topic/partition), <c>actorflow.offset</c> and <c>actorflow.operator</c>, after the
    /// original record's headers when the dead letter has them (a record that could not be decoded; those named
    /// <c>actorflow.*</c> left out), as Kafka Connect's dead-letter queue keeps them: a header naming the value's schema
    /// still goes with its bytes.
    /// </summary>
    public static ISinkConnector<DeadLetterRecord> DeadLetters(ProducerSettings<byte[], byte[]> settings, string topic)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        return Sink<DeadLetterRecord>(settings, d =>
        {
            var headers = new Headers();
            foreach (var (name, value) in d.Headers ?? [])
            {
                // Those of a dead letter read again would pass for this one's (a replayed dead letter's stage).
                if (!name.StartsWith("actorflow.", StringComparison.Ordinal))
                {
                    headers.Add(name, value);
                }
            }

            headers.Add("actorflow.error", Encoding.UTF8.GetBytes(d.Reason));
            headers.Add("actorflow.origin", Encoding.UTF8.GetBytes(d.Origin));
            headers.Add("actorflow.offset", Encoding.UTF8.GetBytes(d.Offset.ToString(CultureInfo.InvariantCulture)));
            if (d.Operator is not null)
            {
                headers.Add("actorflow.operator", Encoding.UTF8.GetBytes(d.Operator));
            }

            return new ProducerRecord<byte[], byte[]>(topic, new Message<byte[], byte[]> { Key = d.Key!, Value = d.Value!, Headers = headers });
        });
    }

    internal sealed class SourceConnector<T>(ConsumerSettings<byte[], byte[]> settings, ISubscription subscription, Func<ConsumeResult<byte[], byte[]>, T> decode)
        : ISourceConnector<T>
    {
        public Source<(string Partition, Source<IReadOnlyList<SourceRecord<T>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets) =>
            KafkaConsumer.PlainPartitionedChunkSource(settings, StartingAt(subscription, startOffsets), announceStarts: true)
                .Select(p =>
                {
                    var origin = SourcePartitionIds.Format(p.Partition.Topic, p.Partition.Partition.Value);
                    return (origin, p.Records.Select(IReadOnlyList<SourceRecord<T>> (chunk) => Decode(chunk, origin)));
                })
                .MapMaterializedValue(control => (ISourceControl)new Control(control, subscription is TopicSubscription topics ? () => RequireTopicsAsync(settings, topics) : null));

        /// <summary>
        /// Fails, naming them, when topics the subscription names (not patterns) do not exist: the job would wait for
        /// them without a word, where Flink's Kafka source and Kafka Streams (MissingSourceTopicException) fail. Passes
        /// when the metadata cannot be read (the connection check decides about the broker).
        /// </summary>
        private static Task RequireTopicsAsync(ConsumerSettings<byte[], byte[]> settings, TopicSubscription topics)
        {
            var named = topics.Topics.Where(t => !t.StartsWith('^')).ToList();
            if (named.Count == 0 || string.Equals(settings.Properties.GetValueOrDefault("allow.auto.create.topics"), "true", StringComparison.OrdinalIgnoreCase))
            {
                return Task.CompletedTask; // nothing named, or the consumer has the broker create it
            }

            return Task.Run(() =>
            {
                if (ClusterTopics(settings) is not { } topics)
                {
                    return;
                }

                // A topic just created may still report an error (no leader yet): it exists all the same.
                var existing = topics.Where(t => t.Error.Code != ErrorCode.UnknownTopicOrPart).Select(t => t.Topic).ToHashSet(StringComparer.Ordinal);
                var missing = named.Where(t => !existing.Contains(t)).ToList();
                if (missing.Count > 0)
                {
                    throw new InvalidOperationException(
                        $"The Kafka source reads {(missing.Count == 1 ? "topic" : "topics")} {string.Join(", ", missing.Select(t => $"'{t}'"))}, which {(missing.Count == 1 ? "does" : "do")} not exist at bootstrap.servers '{settings.BootstrapServers}': "
                        + "create it before the job starts (a pattern subscription, ^..., also reads topics created later).");
                }
            });
        }

        // The restored partitions of the subscribed topics (a pattern, ^..., as librdkafka matches it) that the cluster
        // still has: the group may assign them late (a crashed run's member keeps them until its session times out), and
        // until then they must hold the job's watermark as Flink's restored splits do. A partition the cluster no longer
        // has (a deleted topic, a pattern's old topic) would never be assigned and would hold it for good: left out, as
        // is everything when the metadata cannot be read. A manual assignment announces all its partitions at once.
        public IEnumerable<string> RestoredPartitions(IReadOnlyDictionary<string, long> startOffsets)
        {
            if (subscription is not TopicSubscription topics)
            {
                return [];
            }

            var restored = startOffsets.Keys.Where(id => Subscribed(topics, SourcePartitionIds.Parse(id).Topic)).ToList();
            if (restored.Count == 0 || ExistingPartitions(settings) is not { } existing)
            {
                return [];
            }

            return restored.Where(existing.Contains).ToList();
        }

        private static bool Subscribed(TopicSubscription topics, string topic)
        {
            try
            {
                return ConsumerHub<byte[], byte[]>.IsSubscribed(topics.Topics, topic);
            }
            catch (ArgumentException)
            {
                return false; // a pattern .NET cannot parse (the consumer tolerates it too)
            }
        }

        /// <summary>The partition ids the cluster's metadata names now, or null when it cannot be read in time.</summary>
        private static HashSet<string>? ExistingPartitions(ConsumerSettings<byte[], byte[]> settings) =>
            ClusterTopics(settings)?
                .Where(t => t.Error.Code == ErrorCode.NoError)
                .SelectMany(t => t.Partitions.Select(p => SourcePartitionIds.Format(t.Topic, p.PartitionId)))
                .ToHashSet(StringComparer.Ordinal);

        /// <summary>The topics the cluster's metadata names now, or null when it cannot be read in time.</summary>
        private static List<TopicMetadata>? ClusterTopics(ConsumerSettings<byte[], byte[]> settings)
        {
            try
            {
                using var admin = new AdminClientBuilder(settings.ToConsumerConfig(needsGroup: false))
                    .SetLogHandler((_, _) => { }) // consumer properties an admin client ignores, each with a warning
                    .SetErrorHandler((_, _) => { })
                    .Build();
                var budget = settings.ConnectionTimeout < ConsumerHub<byte[], byte[]>.MetadataBudget ? settings.ConnectionTimeout : ConsumerHub<byte[], byte[]>.MetadataBudget;
                return admin.GetMetadata(budget).Topics;
            }
            catch (Exception e) when (e is KafkaException or InvalidOperationException or ArgumentException)
            {
                return null;
            }
        }

        // The checkpoint's offsets decide where each partition starts; the consumer group's commit is only progress.
        // A partition the checkpoint does not name, of a topic it names partitions of, is new to the job (added to the
        // topic, or to the assignment, since) when the checkpoint names every assigned partition (a record of this
        // build on): it starts at its beginning, as Flink's source starts newly discovered partitions at the earliest
        // offset, not at the committed offset or auto.offset.reset's (latest would skip what was written to it before
        // this run). A topic the checkpoint does not name starts as in a first run; so does every unnamed partition
        // after a checkpoint of an earlier build, which left out partitions that had delivered nothing in their run.
        private static ISubscription StartingAt(ISubscription subscription, IReadOnlyDictionary<string, long> offsets)
        {
            if (offsets.Count == 0)
            {
                return subscription;
            }

            var known = offsets is RestoredOffsets { NamesAssignedPartitions: true }
                ? offsets.Keys.Select(id => SourcePartitionIds.Parse(id).Topic).ToHashSet(StringComparer.Ordinal)
                : [];
            // fallback: the subscription's own choice for a partition the checkpoint does not name; Unset and Stored
            // (Subscriptions.Assignment's) leave the start to the job.
            TopicPartitionOffset At(TopicPartition tp, Offset fallback) =>
                offsets.TryGetValue(SourcePartitionIds.Format(tp.Topic, tp.Partition.Value), out var next)
                    ? new TopicPartitionOffset(tp, next)
                    : new TopicPartitionOffset(tp, (fallback == Offset.Unset || fallback == Offset.Stored) && known.Contains(tp.Topic) ? Offset.Beginning : fallback);

            return subscription switch
            {
                TopicSubscription topics => topics with
                {
                    OffsetsOnAssign = assigned =>
                    {
                        var user = topics.OffsetsOnAssign?.Invoke(assigned).ToDictionary(o => o.TopicPartition) ?? [];
                        return assigned.Select(tp => At(tp, user.TryGetValue(tp, out var u) ? u.Offset : Offset.Unset)).ToList();
                    },
                },
                ManualAssignment manual => new ManualAssignment(manual.Partitions.Select(p => At(p.TopicPartition, p.Offset)).ToList()),
                _ => subscription,
            };
        }

        // A partition's start marker becomes the runtime's position chunk: a checkpoint names the partition from then on,
        // before it delivered a record (so a restore does not start it from auto.offset.reset again).
        private IReadOnlyList<SourceRecord<T>> Decode(ConsumeResult<byte[], byte[]>[] chunk, string origin) =>
            KafkaConsumer.IsStartMarker(chunk) ? SourcePositions.StartingAt<T>(chunk[0].Offset.Value) : Decode(chunk, origin, decode);

        private static List<KeyValuePair<string, byte[]?>>? HeadersOf(Headers? headers) =>
            headers is { Count: > 0 } ? [.. headers.Select(h => new KeyValuePair<string, byte[]?>(h.Key, h.GetValueBytes()))] : null;

        /// <summary>
        /// A poll's records of one partition as source records; a record <paramref name="decode"/> throws on carries the
        /// error (a dead letter), unless the error says the record is not at fault (<see cref="IDecodingFailure"/>: a
        /// registry that cannot be reached), which fails the source at once: the job fails over and reads the record again.
        /// </summary>
        internal static SourceRecord<T>[] Decode(ConsumeResult<byte[], byte[]>[] chunk, string origin, Func<ConsumeResult<byte[], byte[]>, T> decode)
        {
            var records = new SourceRecord<T>[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                var r = chunk[i];
                try
                {
                    // The bytes ride along (references, no copy) so that a later step failing on the record can dead-letter them.
                    records[i] = new SourceRecord<T>(decode(r), r.Message.Timestamp.UnixTimestampMs, origin, r.Offset.Value, null, r.Message.Key, r.Message.Value);
                }
                catch (Exception e) when (e is not OutOfMemoryException and not IDecodingFailure { IsRecordFault: false })
                {
                    records[i] = new SourceRecord<T>(default, r.Message.Timestamp.UnixTimestampMs, origin, r.Offset.Value, e, r.Message.Key, r.Message.Value)
                    {
                        Headers = HeadersOf(r.Message.Headers),
                    };
                }
            }

            return records;
        }
    }

    /// <param name="control">The consumer's control.</param>
    /// <param name="check">Run once the consumer reached a broker, as part of <see cref="Ready"/> (the subscribed topics exist).</param>
    internal sealed class Control(IControl control, Func<Task>? check = null) : ISourceControl
    {
        private Task? _ready;

        public Task StopAsync() => control.StopAsync();

        public Task ShutdownAsync() => control.ShutdownAsync();

        public Task Ready => _ready ??= control is KafkaControl<byte[], byte[]> kafka ? (check is null ? kafka.Connected : ThenAsync(kafka.Connected, check)) : Task.CompletedTask;

        private static async Task ThenAsync(Task connected, Func<Task> check)
        {
            await connected.ConfigureAwait(false);
            await check().ConfigureAwait(false);
        }

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) =>
            control.CommitAsync(nextOffsets.Select(o =>
            {
                var (topic, partition) = SourcePartitionIds.Parse(o.Key);
                return new TopicPartitionOffset(topic, partition, o.Value);
            }).ToList());
    }

    /// <summary>
    /// A job gives it a batch's records as one element (<see cref="IBatchSinkConnector{T}"/>), each encoded and produced in
    /// order by <paramref name="writer"/>, and flushes it at each checkpoint's barrier (<see cref="IFlushingSinkConnector{T}"/>:
    /// at least once).
    /// </summary>
    private abstract class BatchingSinkConnector<T>(
        ProducerSettings<byte[], byte[]> settings, Func<RecordWriter<IReadOnlyList<TimestampedValue<T>>, byte[], byte[]>> writer) : IFlushingSinkConnector<T>, ICheckedSink
    {
        private readonly ProducerHandle<byte[], byte[]> _handle = new();

        /// <summary>Gets the producer settings.</summary>
        protected ProducerSettings<byte[], byte[]> Settings => settings;

        public abstract Sink<T, Task<Done>> Sink();

        public Sink<IReadOnlyList<TimestampedValue<T>>, Task<Done>> BatchSink() =>
            Akka.Streams.Dsl.Sink.FromGraph(new ProducerSinkStage<IReadOnlyList<TimestampedValue<T>>, byte[], byte[]>(settings, null, writer, _handle));

        public Task FlushAsync(CancellationToken cancellationToken)
        {
            _handle.Flush(settings.FlushTimeout);
            return Task.CompletedTask;
        }

        public void CheckSettings() => ProducerFactory.Check(settings.ToProducerConfig());
    }

    /// <summary>Each record encoded to a producer record.</summary>
    private sealed class SinkConnector<T>(ProducerSettings<byte[], byte[]> settings, Func<T, ProducerRecord<byte[], byte[]>> encode)
        : BatchingSinkConnector<T>(settings, RecordWriters.Batches(encode))
    {
        public override Sink<T, Task<Done>> Sink() =>
            Flow.Create<T>().Select(encode).ToMaterialized(KafkaProducer.PlainSink(Settings), Keep.Right);
    }

    /// <summary>As <see cref="SinkConnector{T}"/> for a key and value to one topic, without a record object per value.</summary>
    private sealed class KeyValueSinkConnector<T>(ProducerSettings<byte[], byte[]> settings, string topic, Func<T, (byte[]? Key, byte[] Value)> encode)
        : BatchingSinkConnector<T>(settings, RecordWriters.KeyValueBatches(topic, encode))
    {
        public override Sink<T, Task<Done>> Sink() =>
            Flow.Create<T>()
                .Select(value =>
                {
                    var (key, bytes) = encode(value);
                    return new ProducerRecord<byte[], byte[]>(topic, new Message<byte[], byte[]> { Key = key!, Value = bytes });
                })
                .ToMaterialized(KafkaProducer.PlainSink(Settings), Keep.Right);
    }
}
