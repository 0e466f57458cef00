using System.Linq.Expressions;
using System.Reflection;
using Avro;
using Avro.Generic;
using Avro.IO;
using Avro.Specific;
using Avro.Util;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro.Internal;

/// <summary>
/// INTERNAL API. A reader of generated specific records compiled for one (writer, reader) schema pair that needs no
/// resolution: the same records, fields, types and logical types on both sides, which is what a job reads almost
/// always. Apache.Avro's <see cref="SpecificDatumReader{T}"/> reads every field as an <see cref="object"/> and sets it
/// through <see cref="ISpecificRecord.Put"/>, boxing each number and date; this one reads each field with the decoder's
/// typed call and sets the generated property directly. Supported: the primitive types, nested records, unions of
/// <c>null</c> and one other supported type, and logical types (timestamp-millis inline, the others through
/// Apache.Avro's own conversion). Any other schema (enums, arrays, maps, fixed, wider unions) or pair that needs
/// resolution gets the reader <see cref="SpecificReaders"/> builds on Apache.Avro's generic reader: <see cref="TryCreate{T}"/> returns null.
/// </summary>
internal static class FastSpecificReader
{
    private static readonly DateTime UnixEpoch = new(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly MethodInfo FromMillisMethod = typeof(FastSpecificReader).GetMethod(nameof(FromMillis), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo BadUnionMethod = typeof(FastSpecificReader).GetMethod(nameof(BadUnion), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo ConvertMethod = typeof(LogicalType).GetMethod(nameof(LogicalType.ConvertToLogicalValue))!;

    /// <summary>A compiled reader for <paramref name="writer"/> read as <paramref name="reader"/>, or null when the pair is not one it reads.</summary>
    /// <typeparam name="T">The generated record type.</typeparam>
    /// <param name="writer">The writer schema (after alias adaptation).</param>
    /// <param name="reader">The reader schema (<typeparamref name="T"/>'s).</param>
    /// <returns>The reader, or null.</returns>
    public static DatumReader<T>? TryCreate<T>(AvroSchema writer, AvroSchema reader)
    {
        var decoder = Expression.Parameter(typeof(SpanDecoder), "decoder");
        var body = Read(writer, reader, typeof(T), decoder);
        return body is null || writer is not RecordSchema
            ? null
            : new Compiled<T>(Expression.Lambda<Func<SpanDecoder, T>>(body, decoder).Compile(), writer, reader);
    }

    private static Expression? Read(AvroSchema writer, AvroSchema reader, Type target, ParameterExpression decoder)
    {
        if (writer.Tag != reader.Tag)
        {
            return null;
        }

        return (writer, reader) switch
        {
            (RecordSchema w, RecordSchema r) => Record(w, r, target, decoder),
            (UnionSchema w, UnionSchema r) => Union(w, r, target, decoder),
            (LogicalSchema w, LogicalSchema r) => Logical(w, r, target, decoder),
            (PrimitiveSchema, PrimitiveSchema) => Primitive(reader.Tag, target, decoder),
            _ => null,
        };
    }

    private static Expression? Primitive(AvroSchema.Type tag, Type target, ParameterExpression decoder)
    {
        var (type, method) = PrimitiveRead(tag);
        return type is not null && type == target ? Expression.Call(decoder, typeof(SpanDecoder).GetMethod(method, Type.EmptyTypes)!) : null;
    }

    /// <summary>The CLR type of a primitive Avro type and the decoder call that reads it; (null, "") for the others.</summary>
    private static (Type? Type, string Method) PrimitiveRead(AvroSchema.Type tag) => tag switch
    {
        AvroSchema.Type.Boolean => (typeof(bool), nameof(SpanDecoder.ReadBoolean)),
        AvroSchema.Type.Int => (typeof(int), nameof(SpanDecoder.ReadInt)),
        AvroSchema.Type.Long => (typeof(long), nameof(SpanDecoder.ReadLong)),
        AvroSchema.Type.Float => (typeof(float), nameof(SpanDecoder.ReadFloat)),
        AvroSchema.Type.Double => (typeof(double), nameof(SpanDecoder.ReadDouble)),
        AvroSchema.Type.String => (typeof(string), nameof(SpanDecoder.ReadString)),
        AvroSchema.Type.Bytes => (typeof(byte[]), nameof(SpanDecoder.ReadBytes)),
        _ => (null, string.Empty),
    };

    private static Expression? Record(RecordSchema writer, RecordSchema reader, Type target, ParameterExpression decoder)
    {
        if (writer.Fullname != reader.Fullname || writer.Count != reader.Count || !typeof(ISpecificRecord).IsAssignableFrom(target) ||
            target.GetConstructor(Type.EmptyTypes) is not { } constructor)
        {
            return null;
        }

        var record = Expression.Variable(target, "record");
        var steps = new List<Expression> { Expression.Assign(record, Expression.New(constructor)) };
        for (var i = 0; i < reader.Count; i++)
        {
            var (w, r) = (writer.Fields[i], reader.Fields[i]);
            if (w.Name != r.Name || target.GetProperty(r.Name, BindingFlags.Public | BindingFlags.Instance) is not { CanWrite: true } property ||
                Read(w.Schema, r.Schema, property.PropertyType, decoder) is not { } value)
            {
                return null;
            }

            steps.Add(Expression.Assign(Expression.Property(record, property), value));
        }

        steps.Add(record);
        return Expression.Block(target, [record], steps);
    }

    private static Expression? Union(UnionSchema writer, UnionSchema reader, Type target, ParameterExpression decoder)
    {
        if (writer.Count != 2 || reader.Count != 2)
        {
            return null;
        }

        var nullIndex = reader[0].Tag == AvroSchema.Type.Null ? 0 : reader[1].Tag == AvroSchema.Type.Null ? 1 : -1;
        if (nullIndex < 0 || writer[nullIndex].Tag != AvroSchema.Type.Null)
        {
            return null;
        }

        var other = 1 - nullIndex;
        var underlying = Nullable.GetUnderlyingType(target);
        if (underlying is null && target.IsValueType)
        {
            return null; // a nullable branch needs a property that can hold null
        }

        if (Read(writer[other], reader[other], underlying ?? target, decoder) is not { } value)
        {
            return null;
        }

        var index = Expression.Variable(typeof(int), "index");
        return Expression.Block(
            target,
            [index],
            Expression.Assign(index, Expression.Call(decoder, typeof(SpanDecoder).GetMethod(nameof(SpanDecoder.ReadUnionIndex))!)),
            Expression.Condition(
                Expression.Equal(index, Expression.Constant(nullIndex)),
                Expression.Default(target),
                Expression.Condition(
                    Expression.Equal(index, Expression.Constant(other)),
                    underlying is null ? value : Expression.Convert(value, target),
                    Expression.Throw(Expression.Call(BadUnionMethod, index), target))));
    }

    private static Expression? Logical(LogicalSchema writer, LogicalSchema reader, Type target, ParameterExpression decoder)
    {
        if (writer.LogicalTypeName != reader.LogicalTypeName || reader.LogicalType is not { } logical ||
            logical.GetCSharpType(false) != target)
        {
            return null;
        }

        if (logical is TimestampMillisecond)
        {
            return Read(writer.BaseSchema, reader.BaseSchema, typeof(long), decoder) is { } millis ? Expression.Call(FromMillisMethod, millis) : null;
        }

        var baseType = PrimitiveRead(reader.BaseSchema.Tag).Type;
        if (baseType is null || Read(writer.BaseSchema, reader.BaseSchema, baseType, decoder) is not { } baseValue)
        {
            return null; // fixed-based logical types (decimal on fixed, duration) are left to the generic reader
        }

        // Apache.Avro's own conversion, as its reader applies it: the same value, one box per logical field.
        return Expression.Convert(
            Expression.Call(Expression.Constant(logical, typeof(LogicalType)), ConvertMethod, Expression.Convert(baseValue, typeof(object)), Expression.Constant(reader)),
            target);
    }

    // Apache.Avro's TimestampMillisecond.ConvertToLogicalValue: the epoch (UTC) plus the milliseconds.
    private static DateTime FromMillis(long millis) => UnixEpoch.AddMilliseconds(millis);

    private static AvroException BadUnion(int index) => new($"Malformed data: union branch {index} of a two-branch union.");

    private sealed class Compiled<T>(Func<SpanDecoder, T> read, AvroSchema writer, AvroSchema reader) : DatumReader<T>
    {
        public AvroSchema ReaderSchema => reader;

        public AvroSchema WriterSchema => writer;

        public T Read(T reuse, Decoder decoder) => decoder is SpanDecoder span
            ? read(span)
            : throw new ArgumentException($"The compiled reader reads from a {nameof(SpanDecoder)}, not a {decoder?.GetType().Name}.", nameof(decoder));
    }
}
