using System.Globalization;
using ActorFlow.Topology.Connectors;

namespace ActorFlow.Avro;

/// <summary>What went wrong with one Avro payload or with the registry it needed.</summary>
public enum AvroFailure
{
    /// <summary>The payload is shorter than the 5-byte header (magic byte and schema id).</summary>
    TooShort,

    /// <summary>The first byte is not the Confluent magic byte 0: the record was not written in the Confluent wire format.</summary>
    WrongMagicByte,

    /// <summary>The registry does not know the schema id.</summary>
    UnknownSchemaId,

    /// <summary>The registry's schema for the id is not an Avro schema or does not parse.</summary>
    InvalidSchema,

    /// <summary>The writer schema cannot be resolved against the reader schema (see the Avro specification's resolution rules).</summary>
    UnresolvableSchema,

    /// <summary>The Avro body ended before the record did.</summary>
    Truncated,

    /// <summary>The Avro body is not a record of the writer schema (bad lengths, union or enum indexes, trailing bytes).</summary>
    Malformed,

    /// <summary>The registry could not be reached (after the configured retries) and had not answered for this id before.</summary>
    RegistryUnavailable,

    /// <summary>The registry answered with something that is not a registry response.</summary>
    RegistryInvalidResponse,

    /// <summary>The registry refused to register the writer schema (for example HTTP 409: incompatible with the subject's versions).</summary>
    RegistrationRefused,

    /// <summary>The registry refused the client's credentials (HTTP 401) or its access (HTTP 403).</summary>
    RegistryUnauthorized,

    /// <summary>The value could not be written with the schema (a field value that does not match its type).</summary>
    InvalidValue,

    /// <summary>A JSON payload is not a JSON document of the value type.</summary>
    InvalidJson,

    /// <summary>A payload of a mixed-format topic is neither Avro in the Confluent wire format nor a JSON document.</summary>
    UnknownFormat,
}

/// <summary>
/// A record that could not be read or written as Avro in the Confluent wire format, naming where it came from: topic,
/// partition and offset (-1 when unknown, e.g. when serializing) and the schema id (-1 when the header was unreadable).
/// Inside a job, a source built with an Avro serde turns it into a dead letter carrying the record's position, unless the
/// failure is not the record's (<see cref="IsRecordFault"/>): then the source fails and the job fails over.
/// </summary>
public sealed class AvroSerdeException : Exception, IDecodingFailure
{
    /// <summary>Creates the exception.</summary>
    /// <param name="failure">What went wrong.</param>
    /// <param name="topic">The topic, or null when unknown.</param>
    /// <param name="partition">The partition, -1 when unknown.</param>
    /// <param name="offset">The offset, -1 when unknown.</param>
    /// <param name="schemaId">The schema id, -1 when unknown.</param>
    /// <param name="detail">What exactly failed.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public AvroSerdeException(AvroFailure failure, string? topic, int partition, long offset, int schemaId, string detail, Exception? inner = null)
        : base(Format(failure, topic, partition, offset, schemaId, detail), inner)
    {
        Failure = failure;
        Topic = topic;
        Partition = partition;
        Offset = offset;
        SchemaId = schemaId;
        Detail = detail;
    }

    /// <summary>Gets what went wrong.</summary>
    public AvroFailure Failure { get; }

    /// <summary>Gets the topic of the record, or null when unknown.</summary>
    public string? Topic { get; }

    /// <summary>Gets the partition of the record, -1 when unknown.</summary>
    public int Partition { get; }

    /// <summary>Gets the offset of the record, -1 when unknown.</summary>
    public long Offset { get; }

    /// <summary>Gets the schema id from the record's header or of the writer schema, -1 when unknown.</summary>
    public int SchemaId { get; }

    /// <summary>Gets the description of the failure without the position.</summary>
    public string Detail { get; }

    /// <summary>
    /// Gets a value indicating whether the record is at fault: false when the registry could not be reached, answered
    /// something that is not a registry response, or refused the credentials (<see cref="AvroFailure.RegistryUnavailable"/>,
    /// <see cref="AvroFailure.RegistryInvalidResponse"/>, <see cref="AvroFailure.RegistryUnauthorized"/>), where the same
    /// record reads once the registry answers. An id the registry does not know is the record's fault, as for
    /// Confluent's deserializer (a <c>SerializationException</c>).
    /// </summary>
    public bool IsRecordFault => Failure is not (AvroFailure.RegistryUnavailable or AvroFailure.RegistryInvalidResponse or AvroFailure.RegistryUnauthorized);

    private static string Format(AvroFailure failure, string? topic, int partition, long offset, int schemaId, string detail) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"Avro {failure} at topic {topic ?? "?"}, partition {partition}, offset {offset}, schema id {schemaId}: {detail}");
}
