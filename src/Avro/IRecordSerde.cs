namespace ActorFlow.Avro;

/// <summary>Reads record values of <typeparamref name="T"/> from Kafka payloads (Avro, JSON, or either per record).</summary>
/// <typeparam name="T">The value type.</typeparam>
public interface IRecordDeserializer<out T>
{
    /// <summary>Reads one payload; <paramref name="topic"/>, <paramref name="partition"/> and <paramref name="offset"/> name it in errors.</summary>
    /// <param name="payload">The payload (null gives default).</param>
    /// <param name="topic">The topic it came from, or null.</param>
    /// <param name="partition">Its partition, -1 when unknown.</param>
    /// <param name="offset">Its offset, -1 when unknown.</param>
    /// <returns>The value.</returns>
    /// <exception cref="AvroSerdeException">The payload cannot be read; the exception names its position.</exception>
    T Deserialize(byte[]? payload, string? topic = null, int partition = -1, long offset = -1);

    /// <summary>
    /// Reads one payload with its record's headers, which may name its schema (Confluent's serializers can carry the
    /// schema id in a <c>__value_schema_id</c> or <c>__key_schema_id</c> header); a deserializer that reads no headers
    /// reads the payload alone.
    /// </summary>
    /// <param name="payload">The payload (null gives default).</param>
    /// <param name="headers">The record's headers, or null.</param>
    /// <param name="isKey">Whether the payload is the record's key.</param>
    /// <param name="topic">The topic it came from, or null.</param>
    /// <param name="partition">Its partition, -1 when unknown.</param>
    /// <param name="offset">Its offset, -1 when unknown.</param>
    /// <returns>The value.</returns>
    /// <exception cref="AvroSerdeException">The payload cannot be read; the exception names its position.</exception>
    T DeserializeWithHeaders(byte[]? payload, Confluent.Kafka.Headers? headers, bool isKey, string? topic, int partition, long offset) =>
        Deserialize(payload, topic, partition, offset);
}

/// <summary>Writes record values of <typeparamref name="T"/> as Kafka payloads.</summary>
/// <typeparam name="T">The value type.</typeparam>
public interface IRecordSerializer<in T>
{
    /// <summary>Writes <paramref name="value"/> for <paramref name="topic"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="topic">The topic written to.</param>
    /// <param name="isKey">Whether the value is a record key.</param>
    /// <returns>The payload.</returns>
    /// <exception cref="AvroSerdeException">The value cannot be written.</exception>
    byte[] Serialize(T value, string topic, bool isKey = false);
}
