using ActorFlow.Shared;
using Avro;
using Avro.Generic;
using Avro.IO;
using Avro.Specific;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro.Internal;

/// <summary>
/// INTERNAL API. The reader of a generated record type for a (writer, reader) schema pair: the compiled
/// <see cref="FastSpecificReader"/> when it takes the pair, else Apache.Avro's <see cref="GenericDatumReader{T}"/>
/// (which resolves every pair the Avro specification resolves; defaults as Java reads them: <see cref="JavaDefaults"/>) followed by <see cref="GenericToSpecific"/>, which puts
/// the generic value into the generated classes.
/// </summary>
/// <remarks>
/// Apache.Avro's own <see cref="SpecificDatumReader{T}"/> is not used: it throws on maps inside arrays, maps or unions
/// (it looks their generated type up by a name it cannot find), gives an enum as its ordinal (an int) where the class
/// declares an <see cref="object"/> (a union of an enum and more than null) or a nullable enum (in an array or map, which
/// then refuses it), and finds the classes of records, enums and fixed by name through every loaded assembly.
/// </remarks>
internal static class SpecificReaders
{
    /// <summary>The reader of <paramref name="writer"/> data as <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The generated record type.</typeparam>
    /// <param name="writer">The writer schema (after alias adaptation).</param>
    /// <param name="reader">The reader schema (<typeparamref name="T"/>'s).</param>
    /// <returns>The reader.</returns>
    /// <exception cref="AvroException">The writer schema does not resolve to the reader schema, or a part of the reader schema has no generated type that can hold it.</exception>
    public static DatumReader<T> Create<T>(AvroSchema writer, AvroSchema reader) =>
        FastSpecificReader.TryCreate<T>(writer, reader) ?? new Converting<T>(JavaDefaults.Reader<object>(writer, reader), GenericToSpecific.For(reader, typeof(T)));

    private sealed class Converting<T>(GenericDatumReader<object> generic, Func<object?, object?> convert) : DatumReader<T>
    {
        public AvroSchema ReaderSchema => generic.ReaderSchema;

        public AvroSchema WriterSchema => generic.WriterSchema;

        public T Read(T reuse, Decoder decoder) => (T)convert(generic.Read(null!, decoder))!;
    }
}
