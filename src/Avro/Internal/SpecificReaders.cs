using Avro;
using Avro.Generic;
using Avro.Specific;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro.Internal;

/// <summary>
/// INTERNAL API. The reader of a generated record type for a (writer, reader) schema pair: the compiled
/// <see cref="FastSpecificReader"/> when it takes the pair, else Apache.Avro's <see cref="SpecificDatumReader{T}"/>,
/// except for reader schemas that reader is known to read wrong without failing, which are refused with an
/// <see cref="AvroException"/> naming the place in the schema.
/// </summary>
internal static class SpecificReaders
{
    /// <summary>The reader of <paramref name="writer"/> data as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The generated record type.</typeparam>
    /// <param name="writer">The writer schema (after alias adaptation).</param>
    /// <param name="reader">The reader schema (<typeparamref name="T"/>'s).</param>
    /// <returns>The reader.</returns>
    /// <exception cref="AvroException">The reader schema has a shape Apache.Avro's reader gets wrong.</exception>
    public static DatumReader<T> Create<T>(AvroSchema writer, AvroSchema reader) =>
        FastSpecificReader.TryCreate<T>(writer, reader) ?? (Misread(reader, reader.Name, new HashSet<AvroSchema>(ReferenceEqualityComparer.Instance)) is { } where
            ? throw new AvroException(
                $"{typeof(T).Name} cannot be read with Apache.Avro's specific reader: {where} is a union of an enum and more than null, and that reader " +
                "gives such an enum as its ordinal (an int, which a write then encodes as the union's int branch). Read it with AvroSerde.Generic, " +
                "or make the union [\"null\", enum].")
            : new SpecificDatumReader<T>(writer, reader));

    /// <summary>
    /// The path of the first union in <paramref name="schema"/> that holds an enum beside branches other than null:
    /// its generated member is an <see cref="object"/>, and <see cref="SpecificDatumReader{T}"/> puts the enum's ordinal
    /// there (its <c>CreateEnum</c> returns the int), so the record holds an int. Null when there is none.
    /// </summary>
    private static string? Misread(AvroSchema schema, string path, HashSet<AvroSchema> seen) => schema switch
    {
        _ when !seen.Add(schema) => null,
        RecordSchema record => record.Fields.Select(f => Misread(f.Schema, $"{path}.{f.Name}", seen)).FirstOrDefault(p => p is not null),
        ArraySchema array => Misread(array.ItemSchema, path + "[]", seen),
        MapSchema map => Misread(map.ValueSchema, path + "{}", seen),
        UnionSchema union when union.Schemas.Any(s => s is EnumSchema) && union.Schemas.Count(s => s.Tag != AvroSchema.Type.Null) > 1 => path,
        UnionSchema union => union.Schemas.Select((s, i) => Misread(s, $"{path}<{i}>", seen)).FirstOrDefault(p => p is not null),
        _ => null,
    };
}
