using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using ActorFlow.Avro.Internal;
using ActorFlow.Operators.Serialization;
using Avro;
using Avro.Generic;

namespace ActorFlow.Avro.State;

/// <summary>
/// INTERNAL API. Writes values as Avro with their writer schema, so that state written by one version of a record
/// type restores into another version through Avro schema resolution. Layout of one value: format byte 1, the
/// writer schema's 64-bit parsing fingerprint (CRC-64-AVRO), the writer schema's JSON (length-prefixed UTF-8), the
/// Avro body (length-prefixed). A fingerprint seen before is resolved from a cache without parsing its schema again.
/// </summary>
internal sealed class AvroTypeSerializer<T> : ITypeSerializer<T>
{
    private const byte Format = 1;

    [ThreadStatic]
    private static BufferEncoder? _encoder;

    private readonly Schema _schema;
    private readonly long _fingerprint;
    private readonly byte[] _schemaJson;
    private readonly DatumWriter<T> _writer;
    private readonly Func<Schema, Schema, DatumReader<T>> _readerFactory;
    private readonly ConcurrentDictionary<long, DatumReader<T>> _readers = new();

    public AvroTypeSerializer(Schema schema, DatumWriter<T> writer, Func<Schema, Schema, DatumReader<T>> readerFactory)
    {
        _schema = schema;
        _fingerprint = SchemaNormalization.ParsingFingerprint64(schema);
        _schemaJson = Encoding.UTF8.GetBytes(schema.ToString());
        _writer = writer;
        _readerFactory = readerFactory;
    }

    public void Write(StateWriter writer, T value)
    {
        writer.WriteByte(Format);
        writer.WriteInt64(_fingerprint);
        writer.WriteInt32(_schemaJson.Length);
        writer.WriteRaw(_schemaJson);
        var encoder = _encoder ??= new BufferEncoder();
        encoder.Reset(0);
        _writer.Write(value, encoder);
        writer.WriteInt32(encoder.Written.Length);
        writer.WriteRaw(encoder.Written);
    }

    public T Read(ref StateReader reader)
    {
        var format = reader.ReadByte();
        if (format != Format)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Avro state of type {typeof(T).Name} has format {format}; this serializer reads format {Format}."));
        }

        var fingerprint = reader.ReadInt64();
        var json = reader.ReadRaw(reader.ReadInt32());
        if (!_readers.TryGetValue(fingerprint, out var datumReader))
        {
            var writerSchema = IgnoredLogicalTypes.Parse(Encoding.UTF8.GetString(json));
            try
            {
                datumReader = _readers.GetOrAdd(fingerprint, _readerFactory(WriterSchemaAdapter.Adapt(writerSchema, _schema), _schema));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var reasons = Compatibility.SchemaCompatibility.Check(_schema, writerSchema);
                throw new InvalidDataException(
                    $"Avro state of type {typeof(T).Name} was written with a schema that {_schema.Fullname} cannot read: {(reasons.Count > 0 ? string.Join("; ", reasons) : e.Message)}", e);
            }
        }

        var body = reader.ReadRaw(reader.ReadInt32()).ToArray();
        var decoder = SpanDecoder.Rent(body, 0, body.Length);
        try
        {
            return datumReader.Read(default!, decoder);
        }
        finally
        {
            decoder.Return();
        }
    }
}
