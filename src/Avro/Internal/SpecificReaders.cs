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
        FastSpecificReader.TryCreate<T>(writer, reader) ?? (SchemaNodes.Of(reader, reader.Name).Select(n => Misread(n.Node, n.Path)).FirstOrDefault(m => m is not null) is { } where
            ? throw new AvroException(
                $"{typeof(T).Name} cannot be read with Apache.Avro's specific reader: {where.Path} is {where.Shape}, and that reader " +
                "gives such an enum as its ordinal (an int), " + where.Consequence + ". Read it with AvroSerde.Generic, " + where.Advice)
            : new SpecificDatumReader<T>(writer, reader));

    /// <summary>
    /// Whether Apache.Avro's specific reader reads <paramref name="schema"/> (at <paramref name="path"/>) wrong, and how.
    /// Its <c>CreateEnum</c> returns the enum's ordinal (an int) and relies on the generated <c>Put</c> to cast it. In a
    /// union of an enum and more than null the generated member is an <see cref="object"/>, so the record holds an int; in
    /// an array or map of <c>["null", enum]</c> the int goes straight into the generated <c>List&lt;E?&gt;</c> or
    /// <c>Dictionary&lt;string, E?&gt;</c>, which refuses it (a boxed int unboxes to <c>E</c>, not to <c>E?</c>).
    /// </summary>
    private static Misplaced? Misread(AvroSchema schema, string path) => schema switch
    {
        ArraySchema { ItemSchema: UnionSchema items } when items.Schemas.Any(s => s is EnumSchema) => InCollection(path + "[]"),
        MapSchema { ValueSchema: UnionSchema values } when values.Schemas.Any(s => s is EnumSchema) => InCollection(path + "{}"),
        UnionSchema union when union.Schemas.Any(s => s is EnumSchema) && union.Schemas.Count(s => s.Tag != AvroSchema.Type.Null) > 1 =>
            new Misplaced(path, "a union of an enum and more than null", "which a write then encodes as the union's int branch", "or make the union [\"null\", enum]."),
        _ => null,
    };

    private static Misplaced InCollection(string path) =>
        new(path, "a nullable enum in an array or map", "which the generated collection of nullable enums refuses", "or make the items or values the enum alone.");

    private sealed record Misplaced(string Path, string Shape, string Consequence, string Advice);
}
