using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ActorFlow.Shared;
using Avro;
using Avro.Util;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro.Internal;

/// <summary>
/// INTERNAL API. The timestamp logical types as this library reads and writes them, in place of Apache.Avro's:
/// <list type="bullet">
/// <item><c>local-timestamp-millis</c>/<c>-micros</c> are a wall-clock time in no zone (the spec: "regardless of what
/// specific time zone is considered local"; Java reads a <c>LocalDateTime</c>). Read: a <see cref="DateTime"/> of
/// <see cref="DateTimeKind.Unspecified"/> whose clock reading is the encoded value. Written: the value's clock reading
/// (its ticks) whatever its <see cref="DateTime.Kind"/>. Apache.Avro reads them shifted into the host's zone and
/// writes them through <see cref="DateTime.ToUniversalTime"/>, so its bytes depend on the host.</item>
/// <item><c>timestamp-millis</c>/<c>-micros</c> are an instant: read as <see cref="DateTimeKind.Utc"/>, written after
/// <see cref="DateTime.ToUniversalTime"/> (a Local or Unspecified value is taken as the host's local time, as
/// Apache.Avro and .NET do) in integer arithmetic. Apache.Avro writes millis through a double, which is 1 ms low
/// for some values more than ~456 years from 1970.</item>
/// </list>
/// Sub-unit ticks are dropped towards the past (floor), as Java's <c>Instant.toEpochMilli</c> does.
/// <para>
/// <c>decimal</c> is written as Java's <c>Conversions.DecimalConversion</c> writes it: another scale rescaled when no
/// digit is lost, more digits than the precision refused, and over <c>fixed</c> a value whose unscaled two's complement
/// does not fit the fixed's size refused (Apache.Avro refuses any other scale, writes any precision, and keeps the
/// fixed's low bytes: another number).
/// </para>
/// <para>
/// Every logical type Apache.Avro knows lets a schema Java ignores it on parse (<see cref="IgnoredLogicalTypes"/>: a
/// <c>date</c> on a <c>long</c>, a <c>decimal</c> with a scale above its precision), where Apache.Avro refused the schema;
/// <see cref="Own"/> then makes such a logical type the underlying type.
/// </para>
/// </summary>
/// <remarks>
/// Apache.Avro binds a logical type to a <see cref="LogicalSchema"/> when the schema is parsed, from
/// <see cref="LogicalTypeFactory"/>. <see cref="Register"/> replaces the factory's entries when this assembly is
/// loaded; a schema parsed before that (a generated record's static schema, say) keeps Apache.Avro's, and
/// <see cref="Own"/> re-parses such a schema.
/// </remarks>
internal static class ExactLogicalTypes
{
    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>Puts this library's logical types into Apache.Avro's factory, for every schema parsed from now on.</summary>
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries", Justification = "Apache.Avro binds logical types when a schema is parsed: they must be registered before any schema of ours is.")]
    internal static void Register()
    {
        LogicalTypeFactory.Instance.Register(new LocalMillis());
        LogicalTypeFactory.Instance.Register(new LocalMicros());
        LogicalTypeFactory.Instance.Register(new InstantMillis());
        LogicalTypeFactory.Instance.Register(new InstantMicros());
        LogicalTypeFactory.Instance.Register(new JavaDecimal());
        LogicalTypeFactory.Instance.Register(new LenientDate());
        LogicalTypeFactory.Instance.Register(new LenientTimeMillis());
        LogicalTypeFactory.Instance.Register(new LenientTimeMicros());
        LogicalTypeFactory.Instance.Register(new LenientUuid());
    }

    /// <summary>
    /// <paramref name="schema"/> itself when every logical type in it is ours and none is one Java ignores, else the same
    /// schema parsed again (binding ours, an ignored one being its underlying type: <see cref="IgnoredLogicalTypes"/>).
    /// </summary>
    /// <param name="schema">The schema.</param>
    /// <returns>A schema equal to <paramref name="schema"/> with this library's logical types.</returns>
    public static AvroSchema Own(AvroSchema schema)
    {
        ArgumentNullException.ThrowIfNull(schema);
        return SchemaNodes.Of(schema).Any(n => IsForeign(n.Node)) || IgnoredLogicalTypes.NeedsIgnoring(schema)
            ? IgnoredLogicalTypes.Parse(schema.ToString())
            : schema;
    }

    // Apache.Avro's check of the schema, unless Java ignores the logical type there (the schema is then its underlying type).
    private static void Validate(LogicalSchema schema, Action<LogicalSchema> validate)
    {
        if (!IgnoredLogicalTypes.IsIgnored(schema))
        {
            validate(schema);
        }
    }

    private static bool IsForeign(AvroSchema schema) =>
        schema is LogicalSchema { LogicalType: LocalTimestampMillisecond or LocalTimestampMicrosecond or TimestampMillisecond or TimestampMicrosecond or global::Avro.Util.Decimal } logical &&
        logical.LogicalType is not (LocalMillis or LocalMicros or InstantMillis or InstantMicros or JavaDecimal);

    private static DateTime At(long value, long unit, DateTimeKind kind, string name)
    {
        var max = (DateTime.MaxValue.Ticks - EpochTicks) / unit;
        var min = -(EpochTicks / unit);
        return value < min || value > max
            ? throw new AvroException($"{name} {value} is outside the range of a DateTime (years 1 to 9999)")
            : new DateTime(EpochTicks + (value * unit), kind);
    }

    private sealed class LocalMillis : LocalTimestampMillisecond
    {
        public override void ValidateSchema(LogicalSchema schema) => Validate(schema, base.ValidateSchema);

        public override object ConvertToBaseValue(object logicalValue, LogicalSchema schema) => EpochTime.Since((DateTime)logicalValue, TimeSpan.TicksPerMillisecond);

        public override object ConvertToLogicalValue(object baseValue, LogicalSchema schema) =>
            At((long)baseValue, TimeSpan.TicksPerMillisecond, DateTimeKind.Unspecified, LogicalTypeName);
    }

    private sealed class LocalMicros : LocalTimestampMicrosecond
    {
        public override void ValidateSchema(LogicalSchema schema) => Validate(schema, base.ValidateSchema);

        public override object ConvertToBaseValue(object logicalValue, LogicalSchema schema) => EpochTime.Since((DateTime)logicalValue, TimeSpan.TicksPerMicrosecond);

        public override object ConvertToLogicalValue(object baseValue, LogicalSchema schema) =>
            At((long)baseValue, TimeSpan.TicksPerMicrosecond, DateTimeKind.Unspecified, LogicalTypeName);
    }

    private sealed class InstantMillis : TimestampMillisecond
    {
        public override void ValidateSchema(LogicalSchema schema) => Validate(schema, base.ValidateSchema);

        public override object ConvertToBaseValue(object logicalValue, LogicalSchema schema) =>
            EpochTime.Since(((DateTime)logicalValue).ToUniversalTime(), TimeSpan.TicksPerMillisecond);

        public override object ConvertToLogicalValue(object baseValue, LogicalSchema schema) =>
            At((long)baseValue, TimeSpan.TicksPerMillisecond, DateTimeKind.Utc, LogicalTypeName);
    }

    private sealed class InstantMicros : TimestampMicrosecond
    {
        public override void ValidateSchema(LogicalSchema schema) => Validate(schema, base.ValidateSchema);

        public override object ConvertToBaseValue(object logicalValue, LogicalSchema schema) =>
            EpochTime.Since(((DateTime)logicalValue).ToUniversalTime(), TimeSpan.TicksPerMicrosecond);

        public override object ConvertToLogicalValue(object baseValue, LogicalSchema schema) =>
            At((long)baseValue, TimeSpan.TicksPerMicrosecond, DateTimeKind.Utc, LogicalTypeName);
    }

    /// <summary>
    /// <c>decimal</c> written as Java's <c>Conversions.DecimalConversion</c> writes it: a value of another scale is rescaled
    /// when no digit is lost (1.5 into scale 2 is 1.50; 1.555 into scale 2 is refused), a value of more digits than the
    /// schema's precision is refused, and over <c>fixed</c> a value whose unscaled two's complement does not fit the fixed.
    /// Apache.Avro refused every other scale, wrote any precision, and kept a fixed's low bytes.
    /// </summary>
    private sealed class JavaDecimal : global::Avro.Util.Decimal
    {
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<int, System.Numerics.BigInteger> PowersOfTen = new();

        public override void ValidateSchema(LogicalSchema schema) => Validate(schema, base.ValidateSchema);

        public override object ConvertToBaseValue(object logicalValue, LogicalSchema schema)
        {
            if (logicalValue is not AvroDecimal value)
            {
                return base.ConvertToBaseValue(logicalValue, schema);
            }

            var scale = Attribute(schema, "scale") ?? 0;
            var unscaled = value.UnscaledValue;
            if (value.Scale < scale)
            {
                unscaled *= TenTo(scale - value.Scale);
            }
            else if (value.Scale > scale)
            {
                var divisor = TenTo(value.Scale - scale);
                unscaled = System.Numerics.BigInteger.DivRem(unscaled, divisor, out var rest);
                if (!rest.IsZero)
                {
                    throw new AvroTypeException($"Cannot encode decimal {value} with scale {value.Scale} as scale {scale} without rounding.");
                }
            }

            // More digits than the precision: |unscaled| at least 10^precision (no digit string made per value written).
            if (Attribute(schema, "precision") is { } precision && (precision < 1 || System.Numerics.BigInteger.Abs(unscaled) >= TenTo(precision)))
            {
                throw new AvroTypeException($"Cannot encode decimal {value} with precision {Digits(unscaled)} as max precision {precision}.");
            }

            if (schema.BaseSchema is FixedSchema { Size: var size } && unscaled.GetByteCount() > size)
            {
                throw new AvroTypeException($"The decimal {value} needs {unscaled.GetByteCount()} bytes, more than the {size} of the fixed {schema.BaseSchema.Fullname}.");
            }

            return base.ConvertToBaseValue(value.Scale == scale ? value : new AvroDecimal(unscaled, scale), schema);
        }

        private static int? Attribute(LogicalSchema schema, string name) =>
            schema.GetProperty(name) is { } text && int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number) ? number : null;

        private static System.Numerics.BigInteger TenTo(int exponent) => PowersOfTen.GetOrAdd(exponent, e => System.Numerics.BigInteger.Pow(10, e));

        // The number of decimal digits of the unscaled value, as Java's BigDecimal.precision() counts them (0 has 1): for the message.
        private static int Digits(System.Numerics.BigInteger unscaled) =>
            unscaled.IsZero ? 1 : System.Numerics.BigInteger.Abs(unscaled).ToString(System.Globalization.CultureInfo.InvariantCulture).Length;
    }

    private sealed class LenientDate : Date
    {
        public override void ValidateSchema(LogicalSchema schema) => Validate(schema, base.ValidateSchema);
    }

    private sealed class LenientTimeMillis : TimeMillisecond
    {
        public override void ValidateSchema(LogicalSchema schema) => Validate(schema, base.ValidateSchema);
    }

    private sealed class LenientTimeMicros : TimeMicrosecond
    {
        public override void ValidateSchema(LogicalSchema schema) => Validate(schema, base.ValidateSchema);
    }

    private sealed class LenientUuid : Uuid
    {
        public override void ValidateSchema(LogicalSchema schema) => Validate(schema, base.ValidateSchema);
    }
}
