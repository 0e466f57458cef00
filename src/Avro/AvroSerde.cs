using ActorFlow.Avro.Internal;
using Avro.Generic;
using Avro.Specific;
using Confluent.SchemaRegistry;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro;

/// <summary>
/// Factories of <see cref="AvroSerde{T}"/>: Avro in the Confluent wire format (magic byte 0, the schema id as 4 bytes
/// big-endian, the Avro binary body), with writer schemas from a Confluent-compatible registry.
/// </summary>
public static class AvroSerde
{
    /// <summary>
    /// A serde for the generated specific record <typeparamref name="T"/>: it writes with <typeparamref name="T"/>'s
    /// schema and reads any writer schema that resolves to it (added fields with defaults, removed fields, aliases,
    /// promotions, enum defaults, unions).
    /// </summary>
    /// <typeparam name="T">A class generated from an .avsc (an <see cref="ISpecificRecord"/>).</typeparam>
    /// <param name="registry">The registry client (e.g. <see cref="Registry.SchemaRegistries.Connect(string, TimeSpan?, Settings.RegistryCredentials?)"/>).</param>
    /// <param name="options">Options; <see cref="AvroSerdeOptions.Default"/> when null.</param>
    /// <returns>The serde (thread-safe; build it once per job).</returns>
    public static AvroSerde<T> For<T>(ISchemaRegistryClient registry, AvroSerdeOptions? options = null)
        where T : ISpecificRecord, new()
    {
        ArgumentNullException.ThrowIfNull(registry);
        var schema = ExactLogicalTypes.Own(new T().Schema);
        return new AvroSerde<T>(
            registry,
            options ?? AvroSerdeOptions.Default,
            schema,
            _ => schema,
            SpecificReaders.Create<T>,
            new SpecificRecordWriter<T>(schema));
    }

    /// <summary>
    /// A serde for <see cref="GenericRecord"/>s. Each record is written with its own schema
    /// (<see cref="GenericRecord.Schema"/>). Reading resolves every writer schema to <paramref name="readerSchema"/>,
    /// or, when it is null, reads each record with its writer schema.
    /// </summary>
    /// <param name="registry">The registry client.</param>
    /// <param name="readerSchema">The schema records are read as, or null for the writer's.</param>
    /// <param name="options">Options; <see cref="AvroSerdeOptions.Default"/> when null.</param>
    /// <returns>The serde (thread-safe).</returns>
    public static AvroSerde<GenericRecord> Generic(ISchemaRegistryClient registry, AvroSchema? readerSchema = null, AvroSerdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return new AvroSerde<GenericRecord>(
            registry,
            options ?? AvroSerdeOptions.Default,
            readerSchema is null ? null : ExactLogicalTypes.Own(readerSchema),
            record => record.Schema,
            JavaDefaults.Reader<GenericRecord>,
            null);
    }
}
