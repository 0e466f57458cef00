using System.Collections;
using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Avro;
using Avro.Generic;
using Avro.Specific;
using Avro.Util;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Shared;

/// <summary>
/// INTERNAL API. Turns a value read by Apache.Avro's <see cref="GenericDatumReader{T}"/> (a <see cref="GenericRecord"/>,
/// <see cref="GenericEnum"/>, <see cref="GenericFixed"/>, <c>object[]</c>, <c>Dictionary&lt;string, object&gt;</c>, a
/// primitive or a logical value) into the generated specific type that holds it. The conversion of a (schema, CLR type)
/// pair is built once, from the schema and the types of the generated properties, and kept for the schema's life.
/// </summary>
/// <remarks>
/// Each schema node is converted into the type the class declares for it: a record into its class (through
/// <see cref="ISpecificRecord.Put"/>, as Apache.Avro's reader sets fields), an enum into the CLR enum of the same
/// symbol, a fixed into its <see cref="SpecificFixed"/> class, an array into a <see cref="List{T}"/> (or the declared
/// collection class), a map into a <see cref="Dictionary{TKey, TValue}"/> (or the declared dictionary class), a union
/// into its branch's value. Where the class declares <see cref="object"/> (a union of more than null and one type, an
/// unknown logical type) each value gets the type Apache.Avro's code generator would declare for its branch; a fixed
/// with no generated class (the base of an unknown logical type such as <c>duration</c>) stays a <see cref="GenericFixed"/>.
/// </remarks>
internal static class GenericToSpecific
{
    private static readonly ConditionalWeakTable<AvroSchema, ConcurrentDictionary<Type, Func<object?, object?>>> Built = new();

    private static readonly MethodInfo ListMethod = typeof(GenericToSpecific).GetMethod(nameof(ToList), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo CollectionMethod = typeof(GenericToSpecific).GetMethod(nameof(ToCollection), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo ArrayMethod = typeof(GenericToSpecific).GetMethod(nameof(ToArray), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo DictionaryMethod = typeof(GenericToSpecific).GetMethod(nameof(ToDictionary), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The conversion of values of <paramref name="schema"/> into <paramref name="target"/>.</summary>
    /// <param name="schema">The reader schema the generic reader read with.</param>
    /// <param name="target">The generated type (the serde's record type, say).</param>
    /// <returns>The conversion (thread-safe).</returns>
    /// <exception cref="AvroException">A part of the schema has no generated type to go into, or a type that cannot hold it.</exception>
    public static Func<object?, object?> For(AvroSchema schema, Type target) =>
        Built.GetOrCreateValue(schema).GetOrAdd(target, t => new Builder().Build(schema, t, schema is NamedSchema named ? named.Name : schema.Tag.ToString()));

    /// <summary>
    /// The type Apache.Avro's code generator declares for <paramref name="schema"/> in a place of its own (a field, an
    /// item, a value): what a value of that schema becomes where the class only says <see cref="object"/>.
    /// </summary>
    private static Type Natural(AvroSchema schema) => schema switch
    {
        PrimitiveSchema { Tag: AvroSchema.Type.Boolean } => typeof(bool),
        PrimitiveSchema { Tag: AvroSchema.Type.Int } => typeof(int),
        PrimitiveSchema { Tag: AvroSchema.Type.Long } => typeof(long),
        PrimitiveSchema { Tag: AvroSchema.Type.Float } => typeof(float),
        PrimitiveSchema { Tag: AvroSchema.Type.Double } => typeof(double),
        PrimitiveSchema { Tag: AvroSchema.Type.Bytes } => typeof(byte[]),
        PrimitiveSchema { Tag: AvroSchema.Type.String } => typeof(string),
        RecordSchema or EnumSchema => ObjectCreator.Instance.GetType(schema),
        FixedSchema => TryFindType(schema) ?? typeof(GenericFixed),
        ArraySchema array => typeof(IList<>).MakeGenericType(Natural(array.ItemSchema)),
        MapSchema map => typeof(IDictionary<,>).MakeGenericType(typeof(string), Natural(map.ValueSchema)),
        UnionSchema union when union.Schemas.Where(s => s.Tag != AvroSchema.Type.Null).ToList() is [var only] =>
            Natural(only) is { IsValueType: true } value && union.Count > 1 ? typeof(Nullable<>).MakeGenericType(value) : Natural(only),
        LogicalSchema { LogicalType: not UnknownLogicalType and { } logical } => logical.GetCSharpType(false),
        _ => typeof(object),
    };

    private static Type? TryFindType(AvroSchema schema)
    {
        try
        {
            return ObjectCreator.Instance.GetType(schema);
        }
        catch (AvroException)
        {
            return null;
        }
    }

    private static Func<object?, object?> ToList<TItem>(Func<object?, object?> item) => value =>
    {
        var items = (IList)value!;
        var list = new List<TItem>(items.Count);
        foreach (var x in items)
        {
            list.Add((TItem)item(x)!);
        }

        return list;
    };

    private static Func<object?, object?> ToCollection<TCollection, TItem>(Func<object?, object?> item)
        where TCollection : ICollection<TItem>, new() => value =>
    {
        var collection = new TCollection();
        foreach (var x in (IEnumerable)value!)
        {
            collection.Add((TItem)item(x)!);
        }

        return collection;
    };

    private static Func<object?, object?> ToArray<TItem>(Func<object?, object?> item) => value =>
    {
        var items = (IList)value!;
        var array = new TItem[items.Count];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = (TItem)item(items[i])!;
        }

        return array;
    };

    private static Func<object?, object?> ToDictionary<TDictionary, TValue>(Func<object?, object?> convert)
        where TDictionary : IDictionary<string, TValue>, new() => value =>
    {
        var dictionary = new TDictionary();
        foreach (var (key, x) in (IDictionary<string, object>)value!)
        {
            dictionary.Add(key, (TValue)convert(x)!);
        }

        return dictionary;
    };

    // The single type argument X of the ICollection<X> a type is or implements, or null.
    private static Type? CollectionItem(Type type) =>
        (type.IsInterface && type.IsGenericType && type.GetGenericArguments().Length == 1 ? [type] : type.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d && (d == typeof(ICollection<>) || d == typeof(IEnumerable<>) || d == typeof(IList<>) || d == typeof(IReadOnlyList<>) || d == typeof(IReadOnlyCollection<>)))
            .Select(i => i.GetGenericArguments()[0])
            .FirstOrDefault();

    // The value type X of the IDictionary<string, X> (or IReadOnlyDictionary) a type is or implements, or null.
    private static Type? DictionaryValue(Type type) =>
        (type.IsInterface ? [type, .. type.GetInterfaces()] : type.GetInterfaces())
            .Where(i => i.IsGenericType && i.GetGenericTypeDefinition() is var d && (d == typeof(IDictionary<,>) || d == typeof(IReadOnlyDictionary<,>)) && i.GetGenericArguments()[0] == typeof(string))
            .Select(i => i.GetGenericArguments()[1])
            .FirstOrDefault();

    private sealed class Builder
    {
        // Conversions of records under construction, for records that hold themselves (a linked list, a tree).
        private readonly Dictionary<(AvroSchema, Type), Func<object?, object?>> _records = [];

        public Func<object?, object?> Build(AvroSchema schema, Type target, string path)
        {
            if (target == typeof(object) && schema is not UnionSchema)
            {
                target = Natural(schema);
                if (target == typeof(object))
                {
                    return schema is LogicalSchema logical ? Build(logical.BaseSchema, target, path) : Same;
                }
            }

            return schema switch
            {
                UnionSchema union => Union(union, target, path),
                RecordSchema record => Record(record, target, path),
                EnumSchema e => Enum(e, target, path),
                FixedSchema f => Fixed(f, target, path),
                ArraySchema array => Array(array, target, path),
                MapSchema map => Map(map, target, path),
                LogicalSchema logical => Logical(logical, target, path),
                _ => Primitive(schema, target, path),
            };
        }

        private static object? Same(object? value) => value;

        private static AvroException Unfit(string path, AvroSchema schema, Type target, string? why = null) =>
            new($"{path} is {Describe(schema)}, which cannot be read into the generated type {target.Name}{(why is null ? "" : ": " + why)}.");

        private static string Describe(AvroSchema schema) => schema is NamedSchema named ? $"the {schema.Tag.ToString().ToLowerInvariant()} {named.Fullname}" : $"a {schema.Tag.ToString().ToLowerInvariant()}";

        private static Func<object?, object?> Primitive(AvroSchema schema, Type target, string path)
        {
            var type = Natural(schema);
            return schema.Tag == AvroSchema.Type.Null || target.IsAssignableFrom(type) || Nullable.GetUnderlyingType(target) == type
                ? Same
                : throw Unfit(path, schema, target);
        }

        private Func<object?, object?> Union(UnionSchema union, Type target, string path)
        {
            var inner = Nullable.GetUnderlyingType(target) ?? target;
            var branches = union.Schemas.Select((s, i) => (Schema: s, Convert: Build(s, inner, $"{path}<{i}>"))).Where(b => b.Schema.Tag != AvroSchema.Type.Null).ToArray();
            if (branches is [var only])
            {
                var convert = only.Convert;
                return value => value is null ? null : convert(value);
            }

            var matches = branches.Select(b => Matcher(b.Schema)).ToArray();
            return value =>
            {
                if (value is null)
                {
                    return null;
                }

                for (var i = 0; i < matches.Length; i++)
                {
                    if (matches[i](value))
                    {
                        return branches[i].Convert(value);
                    }
                }

                throw new AvroException($"{path}: a {value.GetType().Name} is in no branch of the union {union}.");
            };
        }

        // Whether a value the generic reader gave is of this union branch.
        private static Func<object, bool> Matcher(AvroSchema branch) => branch switch
        {
            RecordSchema record => v => v is GenericRecord g && g.Schema.Fullname == record.Fullname,
            EnumSchema e => v => v is GenericEnum g && g.Schema.Fullname == e.Fullname,
            FixedSchema f => v => v is GenericFixed g && g.Schema.Fullname == f.Fullname,
            ArraySchema => v => v is IList and not byte[],
            MapSchema => v => v is IDictionary<string, object>,
            LogicalSchema { LogicalType: UnknownLogicalType } logical => Matcher(logical.BaseSchema),
            LogicalSchema logical => logical.LogicalType.IsInstanceOfLogicalType,
            _ => IsOfType(Natural(branch)),
        };

        private static Func<object, bool> IsOfType(Type type) => v => v.GetType() == type;

        private Func<object?, object?> Record(RecordSchema record, Type target, string path)
        {
            if (_records.TryGetValue((record, target), out var known))
            {
                return known;
            }

            if (!typeof(ISpecificRecord).IsAssignableFrom(target) || target.IsAbstract || target.GetConstructor(Type.EmptyTypes) is not { } constructor)
            {
                throw Unfit(path, record, target, "it is not a generated record class with a parameterless constructor");
            }

            var create = Expression.Lambda<Func<ISpecificRecord>>(Expression.Convert(Expression.New(constructor), typeof(ISpecificRecord))).Compile();
            Func<object?, object?>[] fields = null!;
            Func<object?, object?> convert = value =>
            {
                var generic = (GenericRecord)value!;
                var specific = create();
                for (var i = 0; i < fields.Length; i++)
                {
                    specific.Put(i, fields[i](generic.GetValue(i)));
                }

                return specific;
            };
            _records[(record, target)] = convert;
            fields = record.Fields
                .Select(f => Build(f.Schema, PropertyOf(target, f.Name)?.PropertyType ?? Natural(f.Schema), $"{path}.{f.Name}"))
                .ToArray();
            return convert;
        }

        // The property of a field: the generator names it as the field; a class written by hand may change the case.
        private static PropertyInfo? PropertyOf(Type target, string field) =>
            target.GetProperty(field, BindingFlags.Public | BindingFlags.Instance)
            ?? (target.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase)).ToList() is [var only] ? only : null);

        private static Func<object?, object?> Enum(EnumSchema schema, Type target, string path)
        {
            var type = Nullable.GetUnderlyingType(target) ?? target;
            if (!type.IsEnum)
            {
                throw Unfit(path, schema, target);
            }

            var values = new Dictionary<string, object>(StringComparer.Ordinal);
            foreach (var symbol in schema.Symbols)
            {
                values[symbol] = System.Enum.TryParse(type, symbol, ignoreCase: false, out var value) && System.Enum.IsDefined(type, value!)
                    ? value!
                    : throw Unfit(path, schema, target, $"it has no member {symbol}");
            }

            return value => values[((GenericEnum)value!).Value];
        }

        private static Func<object?, object?> Fixed(FixedSchema schema, Type target, string path)
        {
            if (target.IsAssignableFrom(typeof(GenericFixed)))
            {
                return Same;
            }

            if (target == typeof(byte[]))
            {
                return value => ((GenericFixed)value!).Value;
            }

            if (!typeof(SpecificFixed).IsAssignableFrom(target) || target.IsAbstract || target.GetConstructor(Type.EmptyTypes) is not { } constructor)
            {
                throw Unfit(path, schema, target);
            }

            var create = Expression.Lambda<Func<SpecificFixed>>(Expression.Convert(Expression.New(constructor), typeof(SpecificFixed))).Compile();
            return value =>
            {
                var bytes = ((GenericFixed)value!).Value;
                var specific = create();
                if (specific.Value.Length != bytes.Length)
                {
                    throw new AvroException($"{path}: {target.Name} holds {specific.Value.Length} bytes, the value has {bytes.Length}.");
                }

                bytes.CopyTo(specific.Value, 0);
                return specific;
            };
        }

        private Func<object?, object?> Array(ArraySchema schema, Type target, string path)
        {
            var item = target.IsArray ? target.GetElementType() : CollectionItem(target);
            if (item is null)
            {
                throw Unfit(path, schema, target);
            }

            var convert = Build(schema.ItemSchema, item, path + "[]");
            var method = target.IsArray ? ArrayMethod.MakeGenericMethod(item)
                : target.IsAssignableFrom(typeof(List<>).MakeGenericType(item)) ? ListMethod.MakeGenericMethod(item)
                : !target.IsAbstract && target.GetConstructor(Type.EmptyTypes) is not null && typeof(ICollection<>).MakeGenericType(item).IsAssignableFrom(target)
                    ? CollectionMethod.MakeGenericMethod(target, item)
                    : throw Unfit(path, schema, target, "no List<T> fits it, and it is not a collection class with a parameterless constructor");
            return (Func<object?, object?>)method.Invoke(null, [convert])!;
        }

        private Func<object?, object?> Map(MapSchema schema, Type target, string path)
        {
            var valueType = DictionaryValue(target) ?? throw Unfit(path, schema, target);
            var convert = Build(schema.ValueSchema, valueType, path + "{}");
            var dictionary = typeof(Dictionary<,>).MakeGenericType(typeof(string), valueType);
            var concrete = target.IsAssignableFrom(dictionary) ? dictionary
                : !target.IsAbstract && target.GetConstructor(Type.EmptyTypes) is not null && typeof(IDictionary<,>).MakeGenericType(typeof(string), valueType).IsAssignableFrom(target)
                    ? target
                    : throw Unfit(path, schema, target, "no Dictionary<string, T> fits it, and it is not a dictionary class with a parameterless constructor");
            return (Func<object?, object?>)DictionaryMethod.MakeGenericMethod(concrete, valueType).Invoke(null, [convert])!;
        }

        private Func<object?, object?> Logical(LogicalSchema schema, Type target, string path)
        {
            if (schema.LogicalType is UnknownLogicalType)
            {
                return Build(schema.BaseSchema, target, path);
            }

            var logical = schema.LogicalType;
            var type = logical.GetCSharpType(false);
            if (target.IsAssignableFrom(type) || Nullable.GetUnderlyingType(target) == type)
            {
                return Same;
            }

            // The class holds the base value (a generated fixed class where the generator lost the logical type): the
            // generic reader's logical value is converted back, as Apache.Avro's writer would to write it.
            var toBase = Build(schema.BaseSchema, target, path);
            return value => toBase(logical.ConvertToBaseValue(value, schema));
        }
    }
}
