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
/// Its enum writing indexed a table by the CLR value, so a value with no member (<c>(Mood)7</c>) failed with an
/// <see cref="IndexOutOfRangeException"/> and a member the schema lacks was written as ordinal -1; this one refuses both,
/// naming the enum and its symbols.
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

    /// <inheritdoc/>
    protected override WriteItem ResolveEnum(EnumSchema es)
    {
        // The schema's ordinal of each CLR member, by the member's position among the type's values (built at the first value).
        (Type Type, Dictionary<long, int> Ordinals)? table = null;
        return (value, encoder) =>
        {
            if (value is not Enum member)
            {
                throw new AvroTypeException($"The enum {es.Fullname} needs a CLR enum value, not {value?.GetType().Name ?? "null"}.");
            }

            var type = member.GetType();
            if (table is not { } known || known.Type != type)
            {
                var ordinals = new Dictionary<long, int>();
                foreach (var name in Enum.GetNames(type).Where(es.Contains))
                {
                    ordinals.TryAdd(Convert.ToInt64(Enum.Parse(type, name), System.Globalization.CultureInfo.InvariantCulture), es.Ordinal(name));
                }

                table = known = (type, ordinals);
            }

            encoder.WriteEnum(known.Ordinals.TryGetValue(Convert.ToInt64(member, System.Globalization.CultureInfo.InvariantCulture), out var ordinal)
                ? ordinal
                : throw new AvroTypeException($"The value {member} of {type.Name} is not a symbol of the enum {es.Fullname} ({string.Join(", ", es.Symbols)})."));
        };
    }
}
