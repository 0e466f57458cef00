using Avro;
using Avro.Generic;
using Avro.Specific;
using AvroSchema = Avro.Schema;
using Encoder = Avro.IO.Encoder;

namespace ActorFlow.Avro.Internal;

/// <summary>
/// INTERNAL API. Apache.Avro's <see cref="SpecificDatumWriter{T}"/> with its fixed writing fixed. That writer takes only a
/// <see cref="SpecificFixed"/> where the schema says fixed, but a decimal over fixed (a generated
/// <see cref="AvroDecimal"/> property) reaches it as the <see cref="GenericFixed"/> Apache.Avro's decimal type converts
/// it into, so every record with such a field failed to write; and it writes a fixed value of the wrong length as it
/// is, giving bytes no reader can read. This one takes both kinds and refuses a value whose length is not the schema's size.
/// </summary>
/// <typeparam name="T">The generated record type.</typeparam>
internal sealed class SpecificRecordWriter<T>(AvroSchema schema) : SpecificDatumWriter<T>(schema)
{
    /// <inheritdoc/>
    protected override void WriteFixed(FixedSchema schema, object value, Encoder encoder)
    {
        var bytes = value is GenericFixed fixedValue
            ? fixedValue.Value
            : throw new AvroTypeException($"The fixed {schema.Fullname} needs a SpecificFixed or GenericFixed, not {value?.GetType().Name ?? "null"}.");
        encoder.WriteFixed(bytes.Length == schema.Size
            ? bytes
            : throw new AvroTypeException($"The fixed {schema.Fullname} has {schema.Size} bytes, the value {bytes.Length}."));
    }
}
