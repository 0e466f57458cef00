using System.Globalization;
using System.Text;
using ActorFlow.Avro;
using Confluent.Kafka;

namespace ActorFlow.TestKit;

/// <summary>
/// How records of <typeparamref name="T"/> look in a Kafka topic: the key and value bytes they are written as, how they
/// are read back, and (optionally) their event time, which becomes the Kafka record's CreateTime so that a job's
/// watermarks follow the records produced.
/// </summary>
/// <typeparam name="T">The record type.</typeparam>
public sealed class TopicFormat<T>
{
    /// <summary>Creates a format.</summary>
    /// <param name="encode">The key (null: the producer's partitioner spreads records) and value bytes of a record.</param>
    /// <param name="decode">The record of a key and value; it throws on bytes it cannot read.</param>
    /// <param name="timestamp">The record's event time (epoch ms), or null to let Kafka stamp records with the time they are produced.</param>
    public TopicFormat(Func<T, (byte[]? Key, byte[] Value)> encode, Func<byte[]?, byte[], T> decode, Func<T, long>? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(encode);
        ArgumentNullException.ThrowIfNull(decode);
        Encode = encode;
        Decode = decode;
        Timestamp = timestamp;
    }

    /// <summary>Gets the encoder; it fits <c>KafkaConnectors.Sink</c> and <c>KafkaConnectors.ExactlyOnceSink</c>.</summary>
    public Func<T, (byte[]? Key, byte[] Value)> Encode { get; }

    /// <summary>Gets the decoder of a key and a value.</summary>
    public Func<byte[]?, byte[], T> Decode { get; }

    /// <summary>Gets the event time of a record (epoch ms), or null when records carry the time they were produced.</summary>
    public Func<T, long>? Timestamp { get; }

    /// <summary>Gets the decoder of a whole consumed record (a serde's, which reads a schema id from the headers), or null: <see cref="Decode"/>.</summary>
    internal Func<ConsumeResult<byte[], byte[]>, T>? DecodeRecord { get; init; }

    /// <summary>
    /// Decodes a consumed record (with its headers for a serde's format); it fits
    /// <c>KafkaConnectors.Source(settings, subscription, format.FromKafka)</c>. A tombstone (a null value) goes to a serde's
    /// format as it is (the serdes read it as the type's default, as in a job's Avro source); through a format of
    /// functions it is not decoded and reads as null, as <see cref="TestTopic{T}"/> reads it, and into a value type it
    /// cannot: that throws, naming the type.
    /// </summary>
    /// <param name="record">The consumed record.</param>
    /// <returns>The record's value.</returns>
    /// <exception cref="InvalidDataException">A format of functions was given a tombstone for a value type that cannot be null.</exception>
    public T FromKafka(ConsumeResult<byte[], byte[]> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (DecodeRecord is { } decode)
        {
            return decode(record);
        }

        if (record.Message.Value is null)
        {
            // It read as empty bytes: "" through a text format, a deletion a test could not tell from an empty string.
            return default(T) is null
                ? default!
                : throw new InvalidDataException($"a tombstone (a record with a null value, key {(record.Message.Key is null ? "null" : Convert.ToHexString(record.Message.Key))}) cannot be read as {typeof(T)}, a value type: read the topic into a reference or nullable type");
        }

        return Decode(record.Message.Key, record.Message.Value);
    }
}

/// <summary>Ready-made <see cref="TopicFormat{T}"/>s: UTF-8 text and registry serdes (Avro, JSON).</summary>
public static class TopicFormat
{
    /// <summary>Gets UTF-8 strings as values, without key or event time.</summary>
    public static TopicFormat<string> Utf8 { get; } = Text<string>(s => s, s => s);

    /// <summary>Records written as UTF-8 text.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="format">The value text of a record.</param>
    /// <param name="parse">The record of a value text; it throws on text it cannot read.</param>
    /// <param name="key">The key text of a record (null: no key).</param>
    /// <param name="timestamp">The event time of a record (epoch ms), written as the Kafka timestamp.</param>
    /// <returns>The format.</returns>
    public static TopicFormat<T> Text<T>(Func<T, string> format, Func<string, T> parse, Func<T, string?>? key = null, Func<T, long>? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentNullException.ThrowIfNull(parse);
        return new TopicFormat<T>(
            value => (key?.Invoke(value) is { } k ? Encoding.UTF8.GetBytes(k) : null, Encoding.UTF8.GetBytes(format(value))),
            (_, bytes) => parse(Encoding.UTF8.GetString(bytes)),
            timestamp);
    }

    /// <summary>Signed 64-bit integers as invariant-culture decimal text.</summary>
    /// <returns>The format.</returns>
    public static TopicFormat<long> Int64Text() =>
        Text(v => v.ToString(CultureInfo.InvariantCulture), s => long.Parse(s, NumberStyles.Integer, CultureInfo.InvariantCulture));

    /// <summary>
    /// Avro records in the Confluent wire format through <c>AvroSerde.For&lt;T&gt;(registry)</c> (or
    /// <c>AvroSerde.Generic</c>): the writer schema is registered on first write under the topic's subject.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="serde">The serde.</param>
    /// <param name="topic">The topic the records are written to (it names the subject).</param>
    /// <param name="key">The key text of a record, written as UTF-8 (null: no key).</param>
    /// <param name="timestamp">The event time of a record (epoch ms), written as the Kafka timestamp.</param>
    /// <returns>The format.</returns>
    public static TopicFormat<T> Avro<T>(AvroSerde<T> serde, string topic, Func<T, string?>? key = null, Func<T, long>? timestamp = null) =>
        Serde(serde, serde, topic, key, timestamp);

    /// <summary>Records written by <paramref name="serializer"/> and read by <paramref name="deserializer"/> (Avro, JSON or mixed serdes of ActorFlow.Avro).</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="serializer">Writes values.</param>
    /// <param name="deserializer">Reads values.</param>
    /// <param name="topic">The topic the records are written to (it names the subject).</param>
    /// <param name="key">The key text of a record, written as UTF-8 (null: no key).</param>
    /// <param name="timestamp">The event time of a record (epoch ms), written as the Kafka timestamp.</param>
    /// <returns>The format.</returns>
    public static TopicFormat<T> Serde<T>(IRecordSerializer<T> serializer, IRecordDeserializer<T> deserializer, string topic, Func<T, string?>? key = null, Func<T, long>? timestamp = null)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        ArgumentNullException.ThrowIfNull(deserializer);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        return new TopicFormat<T>(
            value => (key?.Invoke(value) is { } k ? Encoding.UTF8.GetBytes(k) : null, serializer.Serialize(value, topic)),
            (_, bytes) => deserializer.Deserialize(bytes, topic),
            timestamp)
        {
            // A consumed record is read with its headers: Confluent's serializers may carry the schema id in one.
            DecodeRecord = r => deserializer.DeserializeWithHeaders(r.Message.Value, r.Message.Headers, false, r.Topic, r.Partition.Value, r.Offset.Value),
        };
    }
}
