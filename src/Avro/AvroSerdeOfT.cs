using System.Buffers.Binary;
using System.Collections.Concurrent;
using ActorFlow.Avro.Internal;
using ActorFlow.Shared;
using Avro;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.SchemaRegistry;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro;

/// <summary>
/// Reads and writes values of <typeparamref name="T"/> as Avro in the Confluent wire format: byte 0 (the magic byte),
/// the writer schema's registry id (4 bytes, big-endian), then the Avro binary encoding. Writer schemas are fetched
/// by id once and kept; a failure is an <see cref="AvroSerdeException"/> naming topic, partition, offset and schema id.
/// Made by <see cref="AvroSerde.For{T}"/>, <see cref="AvroSerde.Generic"/>, <see cref="AvroSerde.Primitive{T}"/> or
/// <see cref="AvroSerde.Any"/>. Thread-safe.
/// </summary>
/// <remarks>
/// Registry calls happen only the first time a schema id (reading) or a subject (writing) is seen, and block the
/// calling thread until the registry answers (with retries, see <see cref="AvroSerdeOptions.RegistryRetries"/>).
/// </remarks>
/// <typeparam name="T">The value type.</typeparam>
public sealed class AvroSerde<T> : IRecordDeserializer<T>, IRecordSerializer<T>
{
    /// <summary>The Confluent wire format's magic byte.</summary>
    public const byte MagicByte = 0;

    /// <summary>The length of the header before the Avro body: the magic byte and the 4-byte schema id.</summary>
    public const int HeaderLength = 5;

    /// <summary>The first byte of a schema-id header holding a schema GUID (Confluent's <c>MAGIC_BYTE_V1</c>).</summary>
    public const byte GuidMagicByte = 1;

    /// <summary>The length of a schema-id header holding a GUID: the magic byte and the 16-byte GUID (big-endian).</summary>
    public const int GuidHeaderLength = 17;

    /// <summary>The record header Confluent's serializers may carry a value's schema id in (Confluent's <c>VALUE_SCHEMA_ID_HEADER</c>).</summary>
    public const string ValueSchemaIdHeader = "__value_schema_id";

    /// <summary>The record header Confluent's serializers may carry a key's schema id in (Confluent's <c>KEY_SCHEMA_ID_HEADER</c>).</summary>
    public const string KeySchemaIdHeader = "__key_schema_id";

    [ThreadStatic]
    private static BufferEncoder? _encoder;

    private readonly RegistryCache _registry;
    private readonly AvroSerdeOptions _options;
    private readonly Func<T, AvroSchema> _schemaOf;
    private readonly Func<AvroSchema, AvroSchema, DatumReader<T>> _readerFactory;
    private readonly Func<AvroSchema, DatumWriter<T>> _writerFor;
    private readonly ConcurrentDictionary<int, Resolved> _readers = new();
    private readonly ConcurrentDictionary<Guid, Resolved> _readersByGuid = new();
    private readonly ConcurrentDictionary<AvroSchema, (string Text, DatumWriter<T> Writer)> _writers = new();
    private readonly ConcurrentDictionary<WriteKey, (int Id, DatumWriter<T> Writer)> _fastWriters = new();

    internal AvroSerde(
        ISchemaRegistryClient registry,
        AvroSerdeOptions options,
        AvroSchema? readerSchema,
        Func<T, AvroSchema> schemaOf,
        Func<AvroSchema, AvroSchema, DatumReader<T>> readerFactory,
        Func<AvroSchema, DatumWriter<T>> writerFor)
    {
        _registry = new RegistryCache(registry, options);
        _options = options;
        ReaderSchema = readerSchema;
        _schemaOf = schemaOf;
        _readerFactory = readerFactory;
        _writerFor = writerFor;
    }

    /// <summary>Gets the schema values are read as; null when each value is read with its writer schema.</summary>
    public AvroSchema? ReaderSchema { get; }

    /// <summary>Gets the schema an unresolvable writer schema is checked against for its reasons; <see cref="ReaderSchema"/> when null.</summary>
    internal AvroSchema? ReportedReaderSchema { get; init; }

    /// <summary>Gets the options.</summary>
    public AvroSerdeOptions Options => _options;

    /// <summary>Gets the registry client.</summary>
    public ISchemaRegistryClient Registry => _registry.Client;

    /// <summary>
    /// Writes <paramref name="value"/> for <paramref name="topic"/>: registers (or looks up) its schema under the
    /// subject the <see cref="AvroSerdeOptions.SubjectNameStrategy"/> names, then encodes it. Null gives null (a tombstone).
    /// </summary>
    /// <param name="value">The value.</param>
    /// <param name="topic">The topic written to (names the subject).</param>
    /// <param name="isKey">Whether the value is a record key (subject <c>{topic}-key</c>).</param>
    /// <returns>The payload.</returns>
    /// <exception cref="AvroSerdeException">The registry refused or could not be reached, or the value does not fit its schema.</exception>
    public byte[] Serialize(T value, string topic, bool isKey = false)
    {
        ArgumentNullException.ThrowIfNull(topic);
        if (value is null)
        {
            return null!;
        }

        AvroSchema schema;
        try
        {
            schema = _schemaOf(value);
        }
        catch (ArgumentException e)
        {
            throw new AvroSerdeException(AvroFailure.InvalidValue, topic, -1, -1, -1, e.Message, e);
        }

        var (id, writer) = _fastWriters.TryGetValue(new WriteKey(topic, isKey, schema), out var known) ? known : Prepare(topic, isKey, schema);

        var encoder = _encoder ??= new BufferEncoder();
        var header = encoder.Reset(HeaderLength);
        header[0] = MagicByte;
        BinaryPrimitives.WriteInt32BigEndian(header[1..], id);
        try
        {
            writer.Write(value, encoder);
        }
        catch (Exception e) when (e is AvroException or InvalidCastException or NullReferenceException or ArgumentException)
        {
            throw new AvroSerdeException(AvroFailure.InvalidValue, topic, -1, -1, id, e.Message, e);
        }

        return encoder.Written.ToArray();
    }

    /// <summary>
    /// Reads the value of a consumed Kafka record, naming its topic, partition and offset in any error; the schema id
    /// is read from the record's <see cref="ValueSchemaIdHeader"/> header when it has one, else from the payload.
    /// </summary>
    /// <param name="record">The record.</param>
    /// <returns>The value (default for a null payload).</returns>
    /// <exception cref="AvroSerdeException">The payload is not a readable Avro record (see <see cref="AvroFailure"/>).</exception>
    public T Deserialize(ConsumeResult<byte[], byte[]> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return DeserializeWithHeaders(record.Message.Value, record.Message.Headers, false, record.Topic, record.Partition.Value, record.Offset.Value);
    }

    /// <summary>Reads one payload; <paramref name="topic"/>, <paramref name="partition"/> and <paramref name="offset"/> only name it in errors.</summary>
    /// <param name="payload">The payload (null gives default).</param>
    /// <param name="topic">The topic it came from, or null.</param>
    /// <param name="partition">Its partition, -1 when unknown.</param>
    /// <param name="offset">Its offset, -1 when unknown.</param>
    /// <returns>The value.</returns>
    /// <exception cref="AvroSerdeException">The payload is not a readable Avro record (see <see cref="AvroFailure"/>).</exception>
    public T Deserialize(byte[]? payload, string? topic = null, int partition = -1, long offset = -1)
    {
        if (payload is null)
        {
            return default!;
        }

        if (payload.Length < HeaderLength)
        {
            throw new AvroSerdeException(AvroFailure.TooShort, topic, partition, offset, -1, $"{payload.Length} bytes, less than the {HeaderLength}-byte header");
        }

        if (payload[0] != MagicByte)
        {
            throw new AvroSerdeException(AvroFailure.WrongMagicByte, topic, partition, offset, -1, $"first byte is {payload[0]}, not the magic byte {MagicByte}");
        }

        var id = BinaryPrimitives.ReadInt32BigEndian(payload.AsSpan(1));
        return Read(payload, HeaderLength, ById(id, topic, partition, offset), id, null, topic, partition, offset);
    }

    /// <summary>
    /// Reads one payload with its record's headers, as Confluent's deserializers do (their <c>DualSchemaIdDeserializer</c>,
    /// the default): when the record has a <see cref="ValueSchemaIdHeader"/> (or, for a key, <see cref="KeySchemaIdHeader"/>)
    /// header, the schema is the one that header names, by GUID (Confluent 8's <c>HeaderSchemaIdSerializer</c>, .NET's
    /// <c>SchemaIdSerializerStrategy.Header</c>) or by id, and the whole payload is the Avro body; otherwise the payload
    /// is in the Confluent wire format, as <see cref="Deserialize(byte[], string, int, long)"/> reads it.
    /// </summary>
    /// <param name="payload">The payload (null gives default).</param>
    /// <param name="headers">The record's headers, or null.</param>
    /// <param name="isKey">Whether the payload is the record's key (its header is <see cref="KeySchemaIdHeader"/>).</param>
    /// <param name="topic">The topic it came from, or null.</param>
    /// <param name="partition">Its partition, -1 when unknown.</param>
    /// <param name="offset">Its offset, -1 when unknown.</param>
    /// <returns>The value.</returns>
    /// <exception cref="AvroSerdeException">The payload is not a readable Avro record (see <see cref="AvroFailure"/>).</exception>
    public T DeserializeWithHeaders(byte[]? payload, Headers? headers, bool isKey, string? topic, int partition, long offset)
    {
        if (payload is null || !TryReadSchemaIdHeader(headers, isKey, out var header))
        {
            return Deserialize(payload, topic, partition, offset);
        }

        var name = isKey ? KeySchemaIdHeader : ValueSchemaIdHeader;
        const int Empty = -1;
        switch (header.Length > 0 ? header[0] : Empty)
        {
            case MagicByte when header.Length >= HeaderLength:
                var id = BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1));
                return Read(payload, 0, ById(id, topic, partition, offset), id, null, topic, partition, offset);
            case GuidMagicByte when header.Length >= GuidHeaderLength:
                var guid = new Guid(header.AsSpan(1, 16), bigEndian: true);
                return Read(payload, 0, ByGuid(guid, topic, partition, offset), -1, guid, topic, partition, offset);
            case MagicByte or GuidMagicByte or Empty:
                throw new AvroSerdeException(AvroFailure.TooShort, topic, partition, offset, -1, $"header {name} has {header.Length} bytes, too few for a schema id");
            default:
                throw new AvroSerdeException(AvroFailure.WrongMagicByte, topic, partition, offset, -1, $"header {name} starts with {header[0]}, not {MagicByte} (an id) or {GuidMagicByte} (a GUID)");
        }
    }

    /// <summary>Gets the value of the last <see cref="ValueSchemaIdHeader"/> (or <see cref="KeySchemaIdHeader"/>) header of <paramref name="headers"/>.</summary>
    /// <param name="headers">A record's headers, or null.</param>
    /// <param name="isKey">Whether the key's header is wanted.</param>
    /// <param name="value">The header's value.</param>
    /// <returns>True when the header is there.</returns>
    public static bool TryReadSchemaIdHeader(Headers? headers, bool isKey, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? value)
    {
        value = null;
        return headers is not null && headers.TryGetLastBytes(isKey ? KeySchemaIdHeader : ValueSchemaIdHeader, out value) && value is not null;
    }

    private T Read(byte[] payload, int start, Resolved resolved, int id, Guid? guid, string? topic, int partition, long offset)
    {
        if (resolved.Error is { } error)
        {
            throw new AvroSerdeException(AvroFailure.UnresolvableSchema, topic, partition, offset, id, Named(guid, error));
        }

        var decoder = SpanDecoder.Rent(payload, start, payload.Length - start);
        T value;
        int left;
        try
        {
            value = resolved.Reader!.Read(default!, decoder);
            left = decoder.Remaining;
        }
        catch (TruncatedAvroException e)
        {
            throw new AvroSerdeException(AvroFailure.Truncated, topic, partition, offset, id, Named(guid, e.Message), e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever Apache.Avro's reader throws on bytes that are not a record of the writer schema (AvroException,
            // InvalidCast, IndexOutOfRange, ...): the payload is malformed, never the job's problem.
            throw new AvroSerdeException(AvroFailure.Malformed, topic, partition, offset, id, Named(guid, e.Message), e);
        }
        finally
        {
            decoder.Return();
        }

        if (left != 0)
        {
            throw new AvroSerdeException(AvroFailure.Malformed, topic, partition, offset, id, Named(guid, $"{left} bytes left after the record"));
        }

        return value;
    }

    // A failure of a record whose schema a GUID names: the id is unknown (-1), so the detail names the GUID.
    private static string Named(Guid? guid, string detail) => guid is { } g ? $"schema guid {g}: {detail}" : detail;

    /// <summary>Reads the schema id of a payload in the Confluent wire format, or returns false when it is not in that format.</summary>
    /// <param name="payload">The payload.</param>
    /// <param name="schemaId">The schema id.</param>
    /// <returns>True when the payload starts with the magic byte and a schema id.</returns>
    public static bool TryReadSchemaId(ReadOnlySpan<byte> payload, out int schemaId)
    {
        if (payload.Length >= HeaderLength && payload[0] == MagicByte)
        {
            schemaId = BinaryPrimitives.ReadInt32BigEndian(payload[1..]);
            return true;
        }

        schemaId = -1;
        return false;
    }

    internal bool KnowsSchemaId(int id)
    {
        try
        {
            _registry.WriterSchema(id);
            return true;
        }
        catch (RegistryFailure e) when (e.Failure == AvroFailure.UnknownSchemaId)
        {
            return false;
        }
    }

    private Resolved ById(int id, string? topic, int partition, long offset) =>
        _readers.TryGetValue(id, out var known) ? known : _readers.GetOrAdd(id, Resolve(() => _registry.WriterSchema(id), id, topic, partition, offset));

    private Resolved ByGuid(Guid guid, string? topic, int partition, long offset) =>
        _readersByGuid.TryGetValue(guid, out var known) ? known : _readersByGuid.GetOrAdd(guid, Resolve(() => _registry.WriterSchema(guid), -1, topic, partition, offset));

    private Resolved Resolve(Func<AvroSchema> writerSchema, int id, string? topic, int partition, long offset)
    {
        AvroSchema writer;
        try
        {
            writer = writerSchema();
        }
        catch (RegistryFailure e)
        {
            // Registry failures are not cached: the registry may be back, or the id registered, for the next record.
            throw new AvroSerdeException(e.Failure, topic, partition, offset, id, e.Message, e.InnerException);
        }

        try
        {
            return new Resolved(_readerFactory(ReaderSchema is null ? writer : WriterSchemaAdapter.Adapt(writer, ReaderSchema), ReaderSchema ?? writer), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever building the reader throws (Apache.Avro's AvroException on a pair it cannot resolve, or another
            // exception on a schema it mishandles) is this schema's UnresolvableSchema, never a raw exception of Deserialize.
            return new Resolved(null, Reasons(writer) is { Count: > 0 } reasons ? string.Join("; ", reasons) : e.Message);
        }
    }

    // The checker's reasons why the reader schema cannot read the writer's; none when it finds none (or fails itself).
    private IReadOnlyList<Compatibility.SchemaIncompatibility> Reasons(AvroSchema writer)
    {
        try
        {
            return ReaderSchema is null ? [] : Compatibility.SchemaCompatibility.Check(ReportedReaderSchema ?? ReaderSchema, writer);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return [];
        }
    }

    // The first write of a schema instance to a topic: structural lookups, the registry; later writes hit _fastWriters.
    private (int Id, DatumWriter<T> Writer) Prepare(string topic, bool isKey, AvroSchema schema)
    {
        var (text, writer) = _writers.GetOrAdd(schema, s => (AvroSchemaJson.Of(s), _writerFor(s)));
        try
        {
            var id = _registry.IdFor(Subject(topic, isKey, schema), schema, text, _options.AutoRegisterSchemas);
            return _fastWriters.GetOrAdd(new WriteKey(topic, isKey, schema), (id, writer));
        }
        catch (RegistryFailure e)
        {
            throw new AvroSerdeException(e.Failure, topic, -1, -1, -1, e.Message, e.InnerException);
        }
    }

    private string Subject(string topic, bool isKey, AvroSchema schema) => _options.SubjectNameStrategy switch
    {
        SubjectNameStrategy.Record => schema.Fullname,
        SubjectNameStrategy.TopicRecord => $"{topic}-{schema.Fullname}",
        _ => isKey ? $"{topic}-key" : $"{topic}-value",
    };

    private sealed record Resolved(DatumReader<T>? Reader, string? Error);

    // Schema instances compare by reference here: Apache.Avro's Schema equality walks the whole schema.
    private readonly record struct WriteKey(string Topic, bool IsKey, AvroSchema Schema)
    {
        public bool Equals(WriteKey other) => IsKey == other.IsKey && ReferenceEquals(Schema, other.Schema) && string.Equals(Topic, other.Topic, StringComparison.Ordinal);

        public override int GetHashCode() => HashCode.Combine(StringComparer.Ordinal.GetHashCode(Topic), IsKey, System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(Schema));
    }
}
