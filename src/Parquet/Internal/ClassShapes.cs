using System.Linq.Expressions;
using System.Reflection;
using global::Parquet.Schema;
using global::Parquet.Serialization;
using Field = global::Parquet.Schema.Field;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. What a class reads, found from its type alone (before any file): each member a value, a record (a
/// nested class or C# struct), a list (an <see cref="IEnumerable{T}"/>: <see cref="List{T}"/>, an array, an interface a
/// list is, or a collection <see cref="CollectionBuilders"/> can fill) or a map (an <see cref="IDictionary{TKey, TValue}"/>).
/// Members and their column names are Parquet.Net's (<c>GetParquetSchema</c>: its attributes and names), with a
/// compiled setter each. <see cref="Path"/> names the member for messages (<c>Order.Lines[].Sku</c>).
/// </summary>
internal abstract class ClassShape(Type type, string path, bool required)
{
    /// <summary>Gets the member's (or element's) type, nullable included.</summary>
    public Type Type => type;

    public string Path => path;

    /// <summary>
    /// Gets a value indicating whether the member can hold null: its type can (a reference type or a
    /// <see cref="Nullable{T}"/>) and Parquet.Net's schema does not make it required (<c>[ParquetRequired]</c>,
    /// <c>[ParquetListElementRequired]</c>).
    /// </summary>
    public bool CanHoldNull => !required && (!type.IsValueType || Nullable.GetUnderlyingType(type) is not null);

    /// <summary>
    /// The shape of <typeparamref name="T"/>, the root record; fails with <see cref="NotSupportedException"/> naming
    /// the first member the assembler cannot build (an abstract type, a collection no list or dictionary is, a
    /// read-only field, a recursive type).
    /// </summary>
    public static RecordShape Of<T>() => (RecordShape)Of(typeof(T), "", [], null);

    /// <summary>A type's C# name with generic arguments (<c>List&lt;Int32&gt;</c>), for messages.</summary>
    public static string NameOf(Type type) =>
        Nullable.GetUnderlyingType(type) is { } underlying ? NameOf(underlying) + "?"
        : type.IsArray ? NameOf(type.GetElementType()!) + "[]"
        : type.IsGenericType ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(NameOf))}>"
        : type.Name;

    private static ClassShape Of(Type type, string path, HashSet<Type> visiting, Field? field)
    {
        var u = Nullable.GetUnderlyingType(type) ?? type;
        var required = field is { IsNullable: false };
        if (ValueShape.Holds(u))
        {
            return new ValueShape(type, path, required);
        }

        if (Dictionary(type) is [var key, var value])
        {
            var keyShape = Of(key, path + "{key}", visiting, null);
            return keyShape is not ValueShape ? throw Unsupported(path, type, "a dictionary's keys must be values (a MAP's keys are a column)")
                : CollectionBuilders.ForMap(type, key, value) is { } finish ? new MapShape(type, path, required, key, value, finish, keyShape, Of(value, path + "{}", visiting, (field as MapField)?.Value))
                : throw Unsupported(path, type, "a MAP is built as a Dictionary<TKey, TValue>, or added to a new IDictionary<TKey, TValue> of a type with a parameterless constructor");
        }

        if (Element(type, path) is { } element)
        {
            return CollectionBuilders.ForList(type, element) is { } finish
                ? new ListShape(type, path, required, element, finish, Of(element, path + "[]", visiting, (field as ListField)?.Item))
                : throw Unsupported(path, type, "a LIST is built as a List<T> or an array, or added to a new ICollection<T> of a type with a parameterless constructor");
        }

        if (u.IsAbstract || u.IsInterface || (!u.IsValueType && u.GetConstructor(Type.EmptyTypes) is null) || u.IsGenericTypeDefinition)
        {
            throw Unsupported(path, type, "a nested class needs a parameterless constructor");
        }

        if (!visiting.Add(u))
        {
            throw Unsupported(path, type, "the type contains itself");
        }

        var members = new List<RecordShape.Member>();
        foreach (var column in u.GetParquetSchema(true).Fields)
        {
            var name = ClrMembers.MemberNameOf(column) ?? column.Name;
            var memberPath = path.Length == 0 ? name : path + "." + name;
            var member = Find(u, name) ?? throw Unsupported(memberPath, type, "Parquet.Net's schema names a member the type does not have");
            var memberType = member switch
            {
                PropertyInfo { CanWrite: true } p when p.GetIndexParameters().Length == 0 => p.PropertyType,
                FieldInfo { IsInitOnly: false, IsLiteral: false } f => f.FieldType,
                _ => throw Unsupported(memberPath, member is FieldInfo f ? f.FieldType : ((PropertyInfo)member).PropertyType, "it cannot be set (a read-only field or an indexer)"),
            };
            members.Add(new RecordShape.Member(column.Name, Of(memberType, memberPath, visiting, column), Setter(u, member, memberType)));
        }

        visiting.Remove(u);
        var create = Expression.Lambda(typeof(Func<>).MakeGenericType(u), Expression.New(u)).Compile();
        return new RecordShape(type, path, required, create, [.. members]);
    }

    private static NotSupportedException Unsupported(string path, Type type, string why) =>
        new($"member '{(path.Length == 0 ? "(root)" : path)}' is a {NameOf(type)}, which the source cannot build: {why}");

    /// <summary>The most derived public instance property or field named <paramref name="name"/> (a member hidden by <c>new</c> is not it).</summary>
    private static MemberInfo? Find(Type type, string name)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            const BindingFlags Declared = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly;
            if (((MemberInfo?)t.GetProperty(name, Declared) ?? t.GetField(name, Declared)) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static Delegate Setter(Type record, MemberInfo member, Type memberType)
    {
        var target = Expression.Parameter(record.MakeByRefType(), "record");
        var value = Expression.Parameter(memberType, "value");
        var assign = Expression.Assign(Expression.MakeMemberAccess(target, member), value);
        return Expression.Lambda(typeof(MemberSetter<,>).MakeGenericType(record, memberType), assign, target, value).Compile();
    }

    /// <summary>The key and value types of a dictionary (an <see cref="IDictionary{TKey, TValue}"/>, as Parquet.Net maps one), else null.</summary>
    private static Type[]? Dictionary(Type type) => Generic(type, typeof(IDictionary<,>))?.GetGenericArguments();

    /// <summary>The element type of an array or of an <see cref="IEnumerable{T}"/>, else null.</summary>
    private static Type? Element(Type type, string path) =>
        type.IsArray ? (type.GetArrayRank() == 1 ? type.GetElementType() : throw Unsupported(path, type, "only one-dimensional arrays are lists"))
        : Generic(type, typeof(IEnumerable<>))?.GetGenericArguments()[0];

    /// <summary><paramref name="type"/> when it is the generic interface <paramref name="definition"/>, else the one of that definition it implements, or null.</summary>
    private static Type? Generic(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition ? type
        : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == definition);
}

/// <summary>INTERNAL API. A member of a value column's type (<see cref="Holds"/>).</summary>
internal sealed class ValueShape(Type type, string path, bool required) : ClassShape(type, path, required)
{
    /// <summary>True for the types a column's value is read into (an enum from its underlying integer, as Parquet.Net maps it).</summary>
    public static bool Holds(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(byte[]) || type == typeof(decimal) || type == typeof(Guid)
        || type == typeof(DateTime) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(Half)
        || type == typeof(System.Numerics.BigInteger);
}

/// <summary>INTERNAL API. A nested class or C# struct (or the root), made with its parameterless constructor.</summary>
internal sealed class RecordShape(Type type, string path, bool required, Delegate create, RecordShape.Member[] members) : ClassShape(type, path, required)
{
    /// <summary>Gets a <c>Func&lt;TRecord&gt;</c> making a new record (<c>TRecord</c>: the type without <see cref="Nullable{T}"/>).</summary>
    public Delegate Create => create;

    public IReadOnlyList<Member> Members => members;

    /// <summary>A member: its column name, its shape and a <c>MemberSetter&lt;TRecord, TMember&gt;</c>.</summary>
    public sealed record Member(string Column, ClassShape Shape, Delegate Setter);
}

/// <summary>INTERNAL API. A list member, its elements collected in a <see cref="List{T}"/> and then made the member's type (<see cref="CollectionBuilders"/>).</summary>
internal sealed class ListShape(Type type, string path, bool required, Type element, Delegate finish, ClassShape item) : ClassShape(type, path, required)
{
    public Type Element => element;

    /// <summary>Gets the <c>Func&lt;List&lt;TElement&gt;, TCollection&gt;</c> making the member's collection.</summary>
    public Delegate Finish => finish;

    public ClassShape Item => item;
}

/// <summary>INTERNAL API. A map member, its entries collected in a <see cref="Dictionary{TKey, TValue}"/> and then made the member's type.</summary>
internal sealed class MapShape(Type type, string path, bool required, Type key, Type value, Delegate finish, ClassShape keyShape, ClassShape valueShape) : ClassShape(type, path, required)
{
    /// <summary>Gets the <c>Func&lt;Dictionary&lt;TKey, TValue&gt;, TMap&gt;</c> making the member's map.</summary>
    public Delegate Finish => finish;

    public Type Key => key;

    public Type Value => value;

    public ClassShape KeyShape => keyShape;

    public ClassShape ValueShape => valueShape;
}
