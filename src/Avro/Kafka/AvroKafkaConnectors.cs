using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Producer;
using ActorFlow.Kafka.Settings;
using ActorFlow.Topology.Connectors;
using Avro.Generic;
using Confluent.Kafka;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro.Kafka;

/// <summary>
/// Kafka sources and sinks that take Avro serdes instead of decode and encode functions, as members of
/// <see cref="KafkaConnectors"/>: <c>KafkaConnectors.Source(consumer, Subscriptions.Topics("tx"), AvroSerde.For&lt;Transaction&gt;(registry))</c>.
/// </summary>
public static class AvroKafkaConnectors
{
    // The fields of actorflow.DeadLetter before it had a headers field: the schema a dead letter without headers is
    // still written with, so a dead-letter subject registered before (and a registry with auto-registration off) takes
    // them as it did.
    private const string DeadLetterFields =
        """
        {"name":"reason","type":"string"},
          {"name":"origin","type":"string","doc":"topic/partition"},
          {"name":"offset","type":"long"},
          {"name":"operator","type":["null","string"],"default":null},
          {"name":"key","type":["null","bytes"],"default":null},
          {"name":"value","type":["null","bytes"],"default":null}
        """;

    private const string HeadersField =
        """
        {"name":"headers","type":["null",{"type":"array","items":{"type":"record","name":"Header","fields":[
            {"name":"key","type":"string"},{"name":"value","type":["null","bytes"],"default":null}]}}],
           "default":null,"doc":"The original record's headers, in order, when kept (a record that could not be decoded)."}
        """;

    private static readonly AvroSchema DeadLetterSchema = DeadLetterSchemaOf(DeadLetterFields + "," + HeadersField);

    private static readonly AvroSchema HeaderlessDeadLetterSchema = DeadLetterSchemaOf(DeadLetterFields);

    /// <summary>Avro sources and sinks as members of <see cref="KafkaConnectors"/>.</summary>
    extension(KafkaConnectors)
    {
        /// <summary>
        /// A source reading <paramref name="subscription"/> whose record values are Avro in the Confluent wire format,
        /// read by <paramref name="serde"/> (writer schema by id, or by the id or GUID of a <c>__value_schema_id</c> header, resolved to the serde's reader schema). A value that
        /// cannot be read becomes a dead letter with its topic, partition, offset, raw bytes and the
        /// <see cref="AvroSerdeException"/>'s message (failure kind and schema id); the job keeps running.
        /// </summary>
        /// <typeparam name="T">The record type.</typeparam>
        /// <param name="settings">The consumer settings.</param>
        /// <param name="subscription">Topics or partitions.</param>
        /// <param name="serde">The value deserializer: an <see cref="AvroSerde{T}"/>, a <c>JsonSerde</c> or a <c>MixedFormatDeserializer</c>.</param>
        /// <returns>The source connector.</returns>
        public static ISourceConnector<T> Source<T>(ConsumerSettings<byte[], byte[]> settings, ISubscription subscription, IRecordDeserializer<T> serde)
        {
            ArgumentNullException.ThrowIfNull(serde);
            return KafkaConnectors.Source(settings, subscription, r => serde.DeserializeWithHeaders(r.Message.Value, r.Message.Headers, false, r.Topic, r.Partition.Value, r.Offset.Value));
        }

        /// <summary>
        /// A bounded source (see <see cref="KafkaConnectors.BoundedSource{T}"/>: every partition up to the end offsets
        /// seen when it first started, then it completes) whose record values are Avro in the Confluent wire format,
        /// read by <paramref name="serde"/>; undecodable values become dead letters as with <c>Source</c>.
        /// </summary>
        /// <typeparam name="T">The record type.</typeparam>
        /// <param name="settings">The consumer settings.</param>
        /// <param name="subscription">Topics or partitions.</param>
        /// <param name="serde">The value deserializer: an <see cref="AvroSerde{T}"/>, a <c>JsonSerde</c> or a <c>MixedFormatDeserializer</c>.</param>
        /// <returns>The bounded source connector.</returns>
        public static ISourceConnector<T> BoundedSource<T>(ConsumerSettings<byte[], byte[]> settings, ISubscription subscription, IRecordDeserializer<T> serde)
        {
            ArgumentNullException.ThrowIfNull(serde);
            return KafkaConnectors.BoundedSource(settings, subscription, r => serde.DeserializeWithHeaders(r.Message.Value, r.Message.Headers, false, r.Topic, r.Partition.Value, r.Offset.Value));
        }

        /// <summary>A sink writing each value to <paramref name="topic"/> as Avro through <paramref name="serde"/> (schema registered under the topic's subject).</summary>
        /// <typeparam name="T">The record type.</typeparam>
        /// <param name="settings">The producer settings.</param>
        /// <param name="topic">The topic.</param>
        /// <param name="serde">The value serializer (an <see cref="AvroSerde{T}"/> or a <c>JsonSerde</c>).</param>
        /// <param name="key">The record key of a value; null keys (the partitioner spreads records) when not given.</param>
        /// <returns>The sink connector.</returns>
        public static ISinkConnector<T> Sink<T>(ProducerSettings<byte[], byte[]> settings, string topic, IRecordSerializer<T> serde, Func<T, byte[]?>? key = null)
        {
            ArgumentNullException.ThrowIfNull(serde);
            return KafkaConnectors.Sink(settings, topic, Encoder(topic, serde, key));
        }

        /// <summary>
        /// The exactly-once sink (see <see cref="KafkaConnectors.ExactlyOnceSink{T}(ProducerSettings{byte[], byte[]}, string, Func{T, ValueTuple{byte[], byte[]}})"/>) writing values as Avro through <paramref name="serde"/>.
        /// </summary>
        /// <typeparam name="T">The record type.</typeparam>
        /// <param name="settings">The producer settings.</param>
        /// <param name="topic">The topic (written by this sink only).</param>
        /// <param name="serde">The value serializer (an <see cref="AvroSerde{T}"/> or a <c>JsonSerde</c>).</param>
        /// <param name="key">The record key of a value; null keys when not given.</param>
        /// <returns>The sink connector.</returns>
        public static ISinkConnector<T> ExactlyOnceSink<T>(ProducerSettings<byte[], byte[]> settings, string topic, IRecordSerializer<T> serde, Func<T, byte[]?>? key = null)
        {
            ArgumentNullException.ThrowIfNull(serde);
            return KafkaConnectors.ExactlyOnceSink(settings, topic, Encoder(topic, serde, key));
        }

        /// <summary>
        /// A dead-letter sink writing each dead letter as an Avro record <c>actorflow.DeadLetter</c> (reason, origin,
        /// offset, operator, the raw key and value bytes, and the original headers when kept: those of a record that
        /// could not be decoded, where a header may name its schema) through <paramref name="serde"/>, so that Avro consumers
        /// can read the dead-letter topic; its Kafka headers are the <c>actorflow.*</c> ones of
        /// <see cref="KafkaConnectors.DeadLetters"/> (the original headers stay in the record: a schema-id header among
        /// them would name the wrong schema for the dead letter's own value), and the record key is the original key.
        /// </summary>
        /// <param name="settings">The producer settings.</param>
        /// <param name="topic">The dead-letter topic.</param>
        /// <param name="serde">A generic serde (<see cref="AvroSerde.Generic"/>) of the same registry.</param>
        /// <returns>The sink connector.</returns>
        public static ISinkConnector<DeadLetterRecord> DeadLetters(ProducerSettings<byte[], byte[]> settings, string topic, AvroSerde<GenericRecord> serde)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(topic);
            ArgumentNullException.ThrowIfNull(serde);
            return KafkaConnectors.Sink<DeadLetterRecord>(settings, d => new ProducerRecord<byte[], byte[]>(topic, DeadLetterMessage(d, topic, serde)));
        }
    }

    private static readonly global::Avro.RecordSchema HeaderSchema =
        (global::Avro.RecordSchema)((global::Avro.ArraySchema)((global::Avro.UnionSchema)((global::Avro.RecordSchema)DeadLetterSchema)["headers"].Schema).Schemas[1]).ItemSchema;

    /// <summary>
    /// Gets the schema of the records <c>DeadLetters(settings, topic, serde)</c> writes (<c>actorflow.DeadLetter</c>);
    /// a dead letter without original headers is written with this schema less its <c>headers</c> field.
    /// </summary>
    public static AvroSchema DeadLetterRecordSchema => DeadLetterSchema;

    private static AvroSchema DeadLetterSchemaOf(string fields) => AvroSchema.Parse(
        """{"type":"record","name":"DeadLetter","namespace":"actorflow","doc":"A record a job could not process, with where it came from.","fields":["""
        + fields + "]}");

    /// <summary>The Kafka message of a dead letter as <c>DeadLetters(settings, topic, serde)</c> writes it.</summary>
    internal static Message<byte[], byte[]> DeadLetterMessage(DeadLetterRecord d, string topic, AvroSerde<GenericRecord> serde)
    {
        var record = new GenericRecord((global::Avro.RecordSchema)(d.Headers is null ? HeaderlessDeadLetterSchema : DeadLetterSchema));
        record.Add("reason", d.Reason);
        record.Add("origin", d.Origin);
        record.Add("offset", d.Offset);
        record.Add("operator", d.Operator);
        record.Add("key", d.Key);
        record.Add("value", d.Value);
        if (d.Headers is not null)
        {
            record.Add("headers", d.Headers.Select(h =>
            {
                var header = new GenericRecord(HeaderSchema);
                header.Add("key", h.Key);
                header.Add("value", h.Value);
                return (object)header;
            }).ToArray());
        }
        var headers = new Headers
            {
                { "actorflow.error", Encoding.UTF8.GetBytes(d.Reason) },
                { "actorflow.origin", Encoding.UTF8.GetBytes(d.Origin) },
                { "actorflow.offset", Encoding.UTF8.GetBytes(d.Offset.ToString(CultureInfo.InvariantCulture)) },
            };
        if (d.Operator is not null)
        {
            headers.Add("actorflow.operator", Encoding.UTF8.GetBytes(d.Operator));
        }

        return new Message<byte[], byte[]> { Key = d.Key!, Value = serde.Serialize(record, topic), Headers = headers };
    }

    private static Func<T, (byte[]? Key, byte[] Value)> Encoder<T>(string topic, IRecordSerializer<T> serde, Func<T, byte[]?>? key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        return value => (key?.Invoke(value), serde.Serialize(value, topic));
    }
}
