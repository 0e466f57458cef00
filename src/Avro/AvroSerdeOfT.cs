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

    [ThreadStatic]
    private static BufferEncoder? _encoder;

    private readonly RegistryCache _registry;
    private readonly AvroSerdeOptions _options;
    private readonly Func<T, AvroSchema> _schemaOf;
    private readonly Func<AvroSchema, AvroSchema, DatumReader<T>> _readerFactory;
    private readonly Func<AvroSchema, DatumWriter<T>> _writerFor;
    private readonly ConcurrentDictionary<int, Resolved> _readers = new();
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

    /// <summary>Reads the value of a consumed Kafka record, naming its topic, partition and offset in any error.</summary>
    /// <param name="record">The record.</param>
    /// <returns>The value (default for a null payload).</returns>
    /// <exception cref="AvroSerdeException">The payload is not a readable Avro record (see <see cref="AvroFailure"/>).</exception>
    public T Deserialize(ConsumeResult<byte[], byte[]> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return Deserialize(record.Message.Value, record.Topic, record.Partition.Value, record.Offset.Value);
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
        var resolved = _readers.TryGetValue(id, out var r) ? r : Resolve(id, topic, partition, offset);
        if (resolved.Error is { } error)
        {
            throw new AvroSerdeException(AvroFailure.UnresolvableSchema, topic, partition, offset, id, error);
        }

        var decoder = SpanDecoder.Rent(payload, HeaderLength, payload.Length - HeaderLength);
        T value;
        int left;
        try
        {
            value = resolved.Reader!.Read(default!, decoder);
            left = decoder.Remaining;
        }
        catch (TruncatedAvroException e)
        {
            throw new AvroSerdeException(AvroFailure.Truncated, topic, partition, offset, id, e.Message, e);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever Apache.Avro's reader throws on bytes that are not a record of the writer schema (AvroException,
            // InvalidCast, IndexOutOfRange, ...): the payload is malformed, never the job's problem.
            throw new AvroSerdeException(AvroFailure.Malformed, topic, partition, offset, id, e.Message, e);
        }
        finally
        {
            decoder.Return();
        }

        if (left != 0)
        {
            throw new AvroSerdeException(AvroFailure.Malformed, topic, partition, offset, id, $"{left} bytes left after the record");
        }

        return value;
    }

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

    private Resolved Resolve(int id, string? topic, int partition, long offset)
    {
        AvroSchema writer;
        try
        {
            writer = _registry.WriterSchema(id);
        }
        catch (RegistryFailure e)
        {
            // Registry failures are not cached: the registry may be back, or the id registered, for the next record.
            throw new AvroSerdeException(e.Failure, topic, partition, offset, id, e.Message, e.InnerException);
        }

        Resolved resolved;
        try
        {
            resolved = new Resolved(_readerFactory(ReaderSchema is null ? writer : WriterSchemaAdapter.Adapt(writer, ReaderSchema), ReaderSchema ?? writer), null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever building the reader throws (Apache.Avro's AvroException on a pair it cannot resolve, or another
            // exception on a schema it mishandles) is this id's UnresolvableSchema, never a raw exception of Deserialize.
            resolved = new Resolved(null, Reasons(writer) is { Count: > 0 } reasons ? string.Join("; ", reasons) : e.Message);
        }

        return _readers.GetOrAdd(id, resolved);
    }

    // The checker's reasons why the reader schema cannot read the writer's; none when it finds none (or fails itself).
    private IReadOnlyList<Compatibility.SchemaIncompatibility> Reasons(AvroSchema writer)
    {
        try
        {
            return ReaderSchema is null ? [] : Compatibility.SchemaCompatibility.Check(ReaderSchema, writer);
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
