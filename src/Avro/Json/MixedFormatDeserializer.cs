using System.Diagnostics.Metrics;

namespace ActorFlow.Avro.Json;

/// <summary>The format a mixed-format topic's record was written in.</summary>
public enum RecordFormat
{
    /// <summary>Avro in the Confluent wire format (magic byte 0 and a schema id the registry knows).</summary>
    Avro,

    /// <summary>A JSON document.</summary>
    Json,

    /// <summary>Neither (the record fails and, inside a job, becomes a dead letter).</summary>
    Unknown,
}

/// <summary>
/// Reads a topic in migration from JSON to Avro, where some producers still send JSON and others already send Avro:
/// each record is told apart by its wire format (magic byte 0 and a schema id the registry knows: Avro; a JSON
/// document: JSON) and both map to <typeparamref name="T"/>. Records are counted per format on the
/// <c>actorflow.records.format</c> counter (meter <c>ActorFlow</c>, tags <c>format</c> = avro/json/unknown and
/// <c>topic</c>) and in <see cref="Count"/>, so a team sees when no JSON arrives any more. Thread-safe.
/// </summary>
/// <typeparam name="T">The value type (typically a generated Avro record).</typeparam>
public sealed class MixedFormatDeserializer<T> : IRecordDeserializer<T>
{
    /// <summary>The name of the counter of records per format.</summary>
    public const string FormatCounterName = "actorflow.records.format";

    private static readonly Meter Meter = new("ActorFlow");
    private static readonly Counter<long> Formats = Meter.CreateCounter<long>(FormatCounterName, "records", "Records of mixed-format (JSON/Avro) topics read, by format.");
    private readonly AvroSerde<T> _avro;
    private readonly JsonSerde<T> _json;
    private long _avroCount;
    private long _jsonCount;
    private long _unknownCount;

    /// <summary>Creates the deserializer.</summary>
    /// <param name="avro">The Avro serde (its registry decides which schema ids are known).</param>
    /// <param name="json">The JSON serde; System.Text.Json defaults when null.</param>
    public MixedFormatDeserializer(AvroSerde<T> avro, JsonSerde<T>? json = null)
    {
        ArgumentNullException.ThrowIfNull(avro);
        _avro = avro;
        _json = json ?? new JsonSerde<T>();
    }

    /// <summary>Gets the number of records read in <paramref name="format"/> by this deserializer so far (failed ones count as <see cref="RecordFormat.Unknown"/>).</summary>
    /// <param name="format">The format.</param>
    /// <returns>The count.</returns>
    public long Count(RecordFormat format) => format switch
    {
        RecordFormat.Avro => Interlocked.Read(ref _avroCount),
        RecordFormat.Json => Interlocked.Read(ref _jsonCount),
        _ => Interlocked.Read(ref _unknownCount),
    };

    /// <summary>Tells the format of <paramref name="payload"/> without decoding it (an Avro header with an unknown id is <see cref="RecordFormat.Unknown"/>).</summary>
    /// <param name="payload">The payload.</param>
    /// <returns>The format.</returns>
    public RecordFormat FormatOf(ReadOnlySpan<byte> payload)
    {
        if (AvroSerde<T>.TryReadSchemaId(payload, out var id))
        {
            return _avro.KnowsSchemaId(id) ? RecordFormat.Avro : RecordFormat.Unknown;
        }

        var start = payload.TrimStart(" \t\r\n"u8);
        if (start.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            start = start[3..];
        }

        return start.Length > 0 && start[0] is (byte)'{' or (byte)'[' or (byte)'"' ? RecordFormat.Json : RecordFormat.Unknown;
    }

    /// <inheritdoc/>
    public T Deserialize(byte[]? payload, string? topic = null, int partition = -1, long offset = -1)
    {
        if (payload is null)
        {
            return default!;
        }

        RecordFormat format;
        try
        {
            format = FormatOf(payload);
        }
        catch (Internal.RegistryFailure)
        {
            // The registry could not be asked: the Avro serde reports it with the record's position.
            format = RecordFormat.Avro;
        }

        try
        {
            var value = format switch
            {
                RecordFormat.Avro => _avro.Deserialize(payload, topic, partition, offset),
                RecordFormat.Json => _json.Deserialize(payload, topic, partition, offset),
                _ when payload.Length > 0 && payload[0] == AvroSerde<T>.MagicByte => _avro.Deserialize(payload, topic, partition, offset),
                _ => throw new AvroSerdeException(AvroFailure.UnknownFormat, topic, partition, offset, -1, "neither Avro in the Confluent wire format nor a JSON document"),
            };
            Record(format, topic);
            return value;
        }
        catch (AvroSerdeException)
        {
            Record(RecordFormat.Unknown, topic);
            throw;
        }
    }

    /// <summary>
    /// Reads one payload with its record's headers: a record with a schema-id header (Confluent's
    /// <c>__value_schema_id</c>, or <c>__key_schema_id</c> for a key) is Avro whose schema the header names (see
    /// <see cref="AvroSerde{T}.DeserializeWithHeaders"/>); any other is read as <see cref="Deserialize"/> reads it.
    /// </summary>
    /// <param name="payload">The payload (null gives default).</param>
    /// <param name="headers">The record's headers, or null.</param>
    /// <param name="isKey">Whether the payload is the record's key.</param>
    /// <param name="topic">The topic it came from, or null.</param>
    /// <param name="partition">Its partition, -1 when unknown.</param>
    /// <param name="offset">Its offset, -1 when unknown.</param>
    /// <returns>The value.</returns>
    public T DeserializeWithHeaders(byte[]? payload, Confluent.Kafka.Headers? headers, bool isKey, string? topic, int partition, long offset)
    {
        if (payload is null || !AvroSerde<T>.TryReadSchemaIdHeader(headers, isKey, out _))
        {
            return Deserialize(payload, topic, partition, offset);
        }

        try
        {
            var value = _avro.DeserializeWithHeaders(payload, headers, isKey, topic, partition, offset);
            Record(RecordFormat.Avro, topic);
            return value;
        }
        catch (AvroSerdeException)
        {
            Record(RecordFormat.Unknown, topic);
            throw;
        }
    }

    private void Record(RecordFormat format, string? topic)
    {
        switch (format)
        {
            case RecordFormat.Avro:
                Interlocked.Increment(ref _avroCount);
                break;
            case RecordFormat.Json:
                Interlocked.Increment(ref _jsonCount);
                break;
            default:
                Interlocked.Increment(ref _unknownCount);
                break;
        }

        Formats.Add(1, new KeyValuePair<string, object?>("format", format switch
        {
            RecordFormat.Avro => "avro",
            RecordFormat.Json => "json",
            _ => "unknown",
        }), new KeyValuePair<string, object?>("topic", topic));
    }
}
