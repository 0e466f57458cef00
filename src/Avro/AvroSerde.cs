using ActorFlow.Avro.Internal;
using Avro;
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
    // One instance per type: the serde's writers are cached by schema instance (a new one per value grew the cache per record).
    private static readonly AvroSchema StringSchema = PrimitiveSchema.Create(AvroSchema.Type.String);
    private static readonly AvroSchema IntSchema = PrimitiveSchema.Create(AvroSchema.Type.Int);
    private static readonly AvroSchema LongSchema = PrimitiveSchema.Create(AvroSchema.Type.Long);
    private static readonly AvroSchema FloatSchema = PrimitiveSchema.Create(AvroSchema.Type.Float);
    private static readonly AvroSchema DoubleSchema = PrimitiveSchema.Create(AvroSchema.Type.Double);
    private static readonly AvroSchema BooleanSchema = PrimitiveSchema.Create(AvroSchema.Type.Boolean);
    private static readonly AvroSchema BytesSchema = PrimitiveSchema.Create(AvroSchema.Type.Bytes);

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
            _ => new SpecificRecordWriter<T>(schema));
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
            RecordReader,
            schema => new GenericDatumWriter<GenericRecord>(ExactLogicalTypes.Own(schema)));
    }

    /// <summary>
    /// A serde for a value of a primitive Avro schema, as Confluent's serializers write keys and single values (the
    /// subject's schema is <c>"string"</c>, <c>"long"</c>, ...): <see cref="string"/> (<c>string</c>), <see cref="int"/>
    /// (<c>int</c>), <see cref="long"/> (<c>long</c>), <see cref="float"/> (<c>float</c>), <see cref="double"/>
    /// (<c>double</c>), <see cref="bool"/> (<c>boolean</c>) and <see cref="T:byte[]"/> (<c>bytes</c>); a string or byte
    /// array also reads a writer's null (a <c>["null","string"]</c> value, or a <c>"null"</c> writer schema) as null. Reading resolves
    /// the writer schema to that type as Avro's rules do: <c>int</c> reads as <c>long</c>, <c>float</c> or
    /// <c>double</c>, <c>long</c> as <c>float</c> or <c>double</c>, <c>float</c> as <c>double</c>, <c>string</c> and
    /// <c>bytes</c> as each other, and a union's branch that resolves; any other writer schema is
    /// <see cref="AvroFailure.UnresolvableSchema"/>.
    /// </summary>
    /// <typeparam name="T">One of the types above.</typeparam>
    /// <param name="registry">The registry client.</param>
    /// <param name="options">Options; <see cref="AvroSerdeOptions.Default"/> when null.</param>
    /// <returns>The serde (thread-safe).</returns>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not one of the types above.</exception>
    public static AvroSerde<T> Primitive<T>(ISchemaRegistryClient registry, AvroSerdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var schema = PrimitiveSchemaOf(typeof(T))
            ?? throw new ArgumentException($"{typeof(T)} has no primitive Avro schema; use string, int, long, float, double, bool or byte[] (or For/Generic for records)", nameof(T));

        // A string or byte[] reads a null (a ["null","string"] writer's null branch) as null, as Java's deserializer
        // gives it; a number or boolean cannot hold one, and such a value is malformed.
        var reader = typeof(T).IsValueType ? schema : AvroSchema.Parse($"[\"null\",{schema}]");
        return new AvroSerde<T>(
            registry,
            options ?? AvroSerdeOptions.Default,
            reader,
            _ => schema,
            JavaDefaults.Reader<T>,
            _ => new GenericDatumWriter<T>(schema))
        {
            // A writer this cannot read is reported against the type the user asked for, not the union made for nulls.
            ReportedReaderSchema = schema,
        };
    }

    /// <summary>
    /// A serde for values of any Avro schema, as Confluent's Java <c>KafkaAvroDeserializer</c> reads them: each value
    /// is read with its writer schema into Apache.Avro's generic form (a <see cref="GenericRecord"/>, a
    /// <see cref="GenericEnum"/>, a <see cref="GenericFixed"/>, an <c>object[]</c> for an array, a
    /// <c>Dictionary&lt;string, object&gt;</c> for a map, or a primitive: <see cref="string"/>, <see cref="int"/>,
    /// <see cref="long"/>, <see cref="float"/>, <see cref="double"/>, <see cref="bool"/>, <see cref="T:byte[]"/>).
    /// Writing takes the schema from the value as Java's <c>KafkaAvroSerializer</c> does: a record's, enum's or fixed
    /// value's own schema, or the primitive schema of a primitive; any other value is
    /// <see cref="AvroFailure.InvalidValue"/>.
    /// </summary>
    /// <param name="registry">The registry client.</param>
    /// <param name="options">Options; <see cref="AvroSerdeOptions.Default"/> when null.</param>
    /// <returns>The serde (thread-safe).</returns>
    public static AvroSerde<object> Any(ISchemaRegistryClient registry, AvroSerdeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        return new AvroSerde<object>(
            registry,
            options ?? AvroSerdeOptions.Default,
            null,
            SchemaOfValue,
            JavaDefaults.Reader<object>,
            schema => new GenericDatumWriter<object>(ExactLogicalTypes.Own(schema)));
    }

    // A writer schema with no record in it (Confluent's "string" keys, a single enum) would read as a value that is not
    // a GenericRecord and fail every record as malformed: it is the schema id's UnresolvableSchema, naming the serdes
    // that read it.
    private static DatumReader<GenericRecord> RecordReader(AvroSchema writer, AvroSchema reader) =>
        reader is RecordSchema || (reader is UnionSchema union && union.Schemas.Any(s => s is RecordSchema))
            ? JavaDefaults.Reader<GenericRecord>(writer, reader)
            : throw new AvroException($"the writer schema {reader} is not a record: read it with AvroSerde.Any or AvroSerde.Primitive");

    private static AvroSchema? PrimitiveSchemaOf(Type type) => type switch
    {
        _ when type == typeof(string) => StringSchema,
        _ when type == typeof(int) => IntSchema,
        _ when type == typeof(long) => LongSchema,
        _ when type == typeof(float) => FloatSchema,
        _ when type == typeof(double) => DoubleSchema,
        _ when type == typeof(bool) => BooleanSchema,
        _ when type == typeof(byte[]) => BytesSchema,
        _ => null,
    };

    private static AvroSchema SchemaOfValue(object value) => value switch
    {
        GenericRecord record => record.Schema,
        GenericEnum @enum => @enum.Schema,
        GenericFixed @fixed => @fixed.Schema,
        _ => PrimitiveSchemaOf(value.GetType())
            ?? throw new ArgumentException($"a value of {value.GetType()} has no Avro schema of its own; give a GenericRecord, GenericEnum, GenericFixed or a primitive (string, int, long, float, double, bool, byte[])"),
    };
}
