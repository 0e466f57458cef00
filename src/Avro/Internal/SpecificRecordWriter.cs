using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.CompilerServices;
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
        // The schema's ordinal of each CLR member by its numeric value, per CLR enum type (several can reach one
        // enum of an object-typed member); built once per type, shared by every thread writing with this writer.
        var tables = new ConcurrentDictionary<Type, Dictionary<long, int>>();
        return (value, encoder) =>
        {
            if (value is not Enum member)
            {
                throw new AvroTypeException($"The enum {es.Fullname} needs a CLR enum value, not {value?.GetType().Name ?? "null"}.");
            }

            var type = member.GetType();
            var ordinals = tables.GetOrAdd(type, t =>
            {
                var table = new Dictionary<long, int>();
                foreach (var name in Enum.GetNames(t).Where(es.Contains))
                {
                    table.TryAdd(Convert.ToInt64(Enum.Parse(t, name), CultureInfo.InvariantCulture), es.Ordinal(name));
                }

                return table;
            });
            encoder.WriteEnum(ordinals.TryGetValue(Convert.ToInt64(member, CultureInfo.InvariantCulture), out var ordinal)
                ? ordinal
                : throw new AvroTypeException($"The value {member} of {type.Name} is not a symbol of the enum {es.Fullname} ({string.Join(", ", es.Symbols)})."));
        };
    }

    /// <summary>
    /// Whether <paramref name="obj"/> goes to the union branch <paramref name="sc"/>. Apache.Avro's writer takes a CLR
    /// enum value for the first enum branch that has a symbol of its name, whatever the enum, so in a union of two enums
    /// sharing a symbol a value of the second was written as the first. Here a CLR enum goes to the branch of its own
    /// name (a generated enum's full name is its schema's); by symbol when its type has the branch's name in another
    /// namespace (a copy generated with a mapped namespace) or when no CLR type has the branch's full name.
    /// </summary>
    protected override bool UnionBranchMatches(AvroSchema sc, object obj) =>
        sc is EnumSchema es && obj is Enum member
            ? member.GetType().FullName == es.Fullname ||
              ((member.GetType().Name == es.Name || GeneratedType(es) is null) && es.Contains(member.ToString()))
            : base.UnionBranchMatches(sc, obj);

    private static readonly ConditionalWeakTable<EnumSchema, StrongBox<Type?>> EnumTypes = new();

    private static Type? GeneratedType(EnumSchema es) => EnumTypes.GetValue(es, s =>
    {
        try
        {
            return new StrongBox<Type?>(ObjectCreator.Instance.GetType(s));
        }
        catch (AvroException)
        {
            return new StrongBox<Type?>(null);
        }
    }).Value;
}
