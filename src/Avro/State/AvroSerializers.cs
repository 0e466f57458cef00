using ActorFlow.Avro.Internal;
using ActorFlow.Avro.State;
using ActorFlow.Operators.Serialization;
using Avro.Generic;
using Avro.Specific;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro;

/// <summary>Snapshot and wire serializers for Avro records: <c>Serializers.Avro&lt;T&gt;()</c> and <c>SerializerRegistry.RegisterAvro&lt;T&gt;()</c>.</summary>
public static class AvroSerializers
{
    /// <summary>Avro serializers as members of <see cref="Serializers"/>.</summary>
    extension(Serializers)
    {
        /// <summary>
        /// A serializer of the generated specific record <typeparamref name="T"/> for keyed state, snapshots and the wire
        /// format between nodes. Each value carries its writer schema, so state written by an older version of
        /// <typeparamref name="T"/> (a savepoint) restores into the current one through Avro schema resolution: a
        /// field added with a default gets the default, a removed field is dropped. A writer schema the current type
        /// cannot resolve fails the restore with <see cref="InvalidDataException"/> naming the field and the rule.
        /// </summary>
        /// <typeparam name="T">A class generated from an .avsc.</typeparam>
        /// <returns>The serializer (thread-safe).</returns>
        public static ITypeSerializer<T> Avro<T>()
            where T : ISpecificRecord, new()
        {
            var schema = ExactLogicalTypes.Own(new T().Schema);
            return new AvroTypeSerializer<T>(schema, new SpecificRecordWriter<T>(schema), SpecificReaders.Create<T>);
        }

        /// <summary>
        /// A serializer of <see cref="GenericRecord"/>s of <paramref name="schema"/> (values are written with it and read
        /// back resolved to it), carrying the writer schema like <see cref="Avro{T}"/>.
        /// </summary>
        /// <param name="schema">The record schema.</param>
        /// <returns>The serializer (thread-safe).</returns>
        public static ITypeSerializer<GenericRecord> AvroGeneric(AvroSchema schema)
        {
            ArgumentNullException.ThrowIfNull(schema);
            schema = ExactLogicalTypes.Own(schema);
            return new AvroTypeSerializer<GenericRecord>(schema, new GenericDatumWriter<GenericRecord>(schema), JavaDefaults.Reader<GenericRecord>);
        }
    }

    /// <summary>Registers <c>Serializers.Avro&lt;T&gt;()</c> for <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">A class generated from an .avsc.</typeparam>
    /// <param name="registry">The registry.</param>
    /// <returns>The registry, for chaining.</returns>
    public static SerializerRegistry RegisterAvro<T>(this SerializerRegistry registry)
        where T : ISpecificRecord, new()
    {
        ArgumentNullException.ThrowIfNull(registry);
        return registry.Register(Serializers.Avro<T>());
    }
}
