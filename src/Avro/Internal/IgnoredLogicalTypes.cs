using System.Globalization;
using System.Reflection;
using Avro;
using Avro.Util;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro.Internal;

/// <summary>
/// INTERNAL API. Known logical types that Apache Avro Java ignores, as Apache.Avro is made to here. Java's parser binds a
/// logical type with <c>LogicalTypes.fromSchemaIgnoreInvalid</c>: a known logical type whose schema it does not fit (a
/// <c>decimal</c> with a scale above its precision, a <c>date</c> on a <c>long</c>, a Java class property beside it) is
/// no logical type at all, and the schema is read and written as its underlying type, its <c>logicalType</c> kept as a
/// plain property. Apache.Avro's parser refused such a schema ("'date' can only be used with an underlying int type"),
/// so a schema Java producers and Confluent's registry accept could not be read.
/// </summary>
/// <remarks>
/// Apache.Avro keeps one instance per logical type name, checked against each schema when it is parsed, and keeps it
/// in the <see cref="LogicalSchema"/> it makes. This library's instances (<see cref="ExactLogicalTypes"/>) let an
/// ignored schema parse; <see cref="Ignore"/> then gives each such <see cref="LogicalSchema"/> an
/// <see cref="UnknownLogicalType"/> of its own, which Apache.Avro (and this library) read, write and convert as the
/// underlying type, exactly as it treats a logical type it does not know. Every schema the serdes use passes through
/// <see cref="Parse"/> or <see cref="ExactLogicalTypes.Own"/>, which call it.
/// </remarks>
internal static class IgnoredLogicalTypes
{
    // The setter of LogicalSchema.LogicalType, which Apache.Avro sets once in the constructor.
    private static readonly PropertyInfo LogicalTypeProperty = typeof(LogicalSchema).GetProperty(nameof(LogicalSchema.LogicalType))!;

    // LogicalType.validate (Java): a logical type beside one of these properties (given as a string) is invalid.
    private static readonly string[] JavaClassProperties = ["avro.java.string", "java-class", "java-key-class", "java-element-class"];

    /// <summary>Parses <paramref name="text"/> as Apache.Avro does, a known logical type Java ignores being its underlying type.</summary>
    /// <param name="text">The schema's JSON.</param>
    /// <param name="names">Named types the text may use by name (a registry schema's references); the text's own are added.</param>
    /// <returns>The schema.</returns>
    /// <exception cref="SchemaParseException">The text is not a schema.</exception>
    public static AvroSchema Parse(string text, SchemaNames? names = null) =>
        Ignore((names is null ? AvroSchema.Parse(text) : AvroSchema.Parse(text, names, null)) ?? throw new SchemaParseException("the schema has an unknown type"));

    /// <summary>
    /// Whether Java ignores this logical type (Avro 1.11's <c>fromSchemaIgnoreInvalid</c> gives null): a logical type
    /// Apache.Avro knows (its factory's names) on a schema it does not fit by Java's <c>validate</c>, or by Apache.Avro's
    /// where that is stricter (a <c>uuid</c> other than on a string, which Java 1.11 keeps but converts only on a string).
    /// Logical types Apache.Avro does not know are already its <see cref="UnknownLogicalType"/>.
    /// </summary>
    /// <param name="schema">The logical schema.</param>
    /// <returns>True when the schema is its underlying type.</returns>
    public static bool IsIgnored(LogicalSchema schema)
    {
        var tag = schema.BaseSchema.Tag;
        var fits = schema.LogicalTypeName switch
        {
            "decimal" => DecimalFits(schema, tag),
            "date" or "time-millis" => tag == AvroSchema.Type.Int,
            "time-micros" or "timestamp-millis" or "timestamp-micros" or "local-timestamp-millis" or "local-timestamp-micros" => tag == AvroSchema.Type.Long,
            "uuid" => tag == AvroSchema.Type.String,
            _ => true,
        };
        return !fits || (IsKnown(schema.LogicalTypeName) && JavaClassProperties.Any(p => schema.GetProperty(p) is ['"', ..]));
    }

    /// <summary>Whether <paramref name="schema"/> holds a logical schema Java ignores that still has Apache.Avro's or this library's logical type.</summary>
    /// <param name="schema">The schema.</param>
    /// <returns>True when <see cref="Ignore"/> would change it.</returns>
    public static bool NeedsIgnoring(AvroSchema schema) =>
        Logicals(schema).Any(l => l.LogicalType is not UnknownLogicalType && IsIgnored(l));

    /// <summary>Gives every logical schema in <paramref name="schema"/> that Java ignores its own <see cref="UnknownLogicalType"/>, in place.</summary>
    /// <param name="schema">A schema this library parsed (never a caller's: it is changed).</param>
    /// <returns><paramref name="schema"/>.</returns>
    public static AvroSchema Ignore(AvroSchema schema)
    {
        foreach (var logical in Logicals(schema).Where(l => l.LogicalType is not UnknownLogicalType && IsIgnored(l)).ToList())
        {
            LogicalTypeProperty.SetValue(logical, new UnknownLogicalType(logical));
        }

        return schema;
    }

    private static bool IsKnown(string name) => name is "decimal" or "date" or "time-millis" or "time-micros" or "timestamp-millis" or "timestamp-micros"
        or "local-timestamp-millis" or "local-timestamp-micros" or "uuid";

    // LogicalTypes.Decimal (Java): on bytes or fixed, a precision given as a JSON int above 0 (and not above what the
    // fixed holds), a scale absent (0) or a JSON int from 0 to the precision.
    private static bool DecimalFits(LogicalSchema schema, AvroSchema.Type tag)
    {
        if (tag is not (AvroSchema.Type.Bytes or AvroSchema.Type.Fixed) || Int(schema.GetProperty("precision")) is not { } precision || precision <= 0)
        {
            return false;
        }

        var scaleText = schema.GetProperty("scale");
        if ((scaleText is null ? 0 : Int(scaleText)) is not { } scale || scale < 0 || scale > precision)
        {
            return false;
        }

        return schema.BaseSchema is not FixedSchema { Size: var size } || precision <= Math.Round(Math.Floor(Math.Log10(2) * ((8 * (long)size) - 1)));
    }

    // A property's JSON text as a Java Integer (Jackson's IntNode): an integer literal in int's range.
    private static int? Int(string? json) =>
        json is not null && int.TryParse(json, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    // Every logical schema in the schema, the base schemas of logical types included (a logical type over a record).
    private static IEnumerable<LogicalSchema> Logicals(AvroSchema root)
    {
        var seen = new HashSet<AvroSchema>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<AvroSchema>();
        pending.Push(root);
        while (pending.TryPop(out var schema))
        {
            if (!seen.Add(schema))
            {
                continue;
            }

            switch (schema)
            {
                case LogicalSchema logical:
                    yield return logical;
                    pending.Push(logical.BaseSchema);
                    break;
                case RecordSchema record:
                    foreach (var field in record.Fields)
                    {
                        pending.Push(field.Schema);
                    }

                    break;
                case ArraySchema array:
                    pending.Push(array.ItemSchema);
                    break;
                case MapSchema map:
                    pending.Push(map.ValueSchema);
                    break;
                case UnionSchema union:
                    foreach (var branch in union.Schemas)
                    {
                        pending.Push(branch);
                    }

                    break;
            }
        }
    }
}
