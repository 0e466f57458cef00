using System.Reflection;

namespace ActorFlow.Parquet.Internal;

/// <summary>
/// INTERNAL API. How the elements (or entries) the assembler collects in a <see cref="List{T}"/> (or a
/// <see cref="Dictionary{TKey, TValue}"/>) become a member's collection: as they are when the member's type is one
/// (an interface it implements included), copied into an array, or added to a new collection of the member's type (one
/// with a parameterless constructor implementing <see cref="ICollection{T}"/> or <see cref="IDictionary{TKey, TValue}"/>:
/// a <see cref="HashSet{T}"/>, a <see cref="SortedDictionary{TKey, TValue}"/>, …).
/// </summary>
internal static class CollectionBuilders
{
    /// <summary>A <c>Func&lt;List&lt;TElement&gt;, TCollection&gt;</c>, or null when <paramref name="collection"/> cannot be built.</summary>
    public static Delegate? ForList(Type collection, Type element)
    {
        var name = collection.IsArray ? nameof(ToArray)
            : collection.IsAssignableFrom(typeof(List<>).MakeGenericType(element)) ? nameof(AsIs)
            : Constructible(collection) && typeof(ICollection<>).MakeGenericType(element).IsAssignableFrom(collection) ? nameof(Fill)
            : null;
        if (name is null)
        {
            return null;
        }

        var list = typeof(List<>).MakeGenericType(element);
        var method = Method(name);
        method = name == nameof(ToArray) ? method.MakeGenericMethod(element) : method.MakeGenericMethod(name == nameof(AsIs) ? [list, collection] : [collection, element]);
        return method.CreateDelegate(typeof(Func<,>).MakeGenericType(list, collection));
    }

    /// <summary>A <c>Func&lt;Dictionary&lt;TKey, TValue&gt;, TMap&gt;</c>, or null when <paramref name="map"/> cannot be built.</summary>
    public static Delegate? ForMap(Type map, Type key, Type value)
    {
        var dictionary = typeof(Dictionary<,>).MakeGenericType(key, value);
        var method = map.IsAssignableFrom(dictionary) ? Method(nameof(AsIs)).MakeGenericMethod(dictionary, map)
            : Constructible(map) && typeof(IDictionary<,>).MakeGenericType(key, value).IsAssignableFrom(map) ? Method(nameof(FillMap)).MakeGenericMethod(map, key, value)
            : null;
        return method?.CreateDelegate(typeof(Func<,>).MakeGenericType(dictionary, map));
    }

    private static bool Constructible(Type type) => !type.IsAbstract && !type.IsInterface && type.GetConstructor(Type.EmptyTypes) is not null;

    private static MethodInfo Method(string name) => typeof(CollectionBuilders).GetMethod(name, BindingFlags.NonPublic | BindingFlags.Static)!;

    private static TCollection AsIs<TBuilt, TCollection>(TBuilt built)
        where TBuilt : class => (TCollection)(object)built;

    private static TElement[] ToArray<TElement>(List<TElement> list) => list.Count == 0 ? [] : [.. list];

    private static TCollection Fill<TCollection, TElement>(List<TElement> list)
        where TCollection : ICollection<TElement>, new()
    {
        var collection = new TCollection();
        foreach (var element in list)
        {
            collection.Add(element);
        }

        return collection;
    }

    private static TMap FillMap<TMap, TKey, TValue>(Dictionary<TKey, TValue> entries)
        where TMap : IDictionary<TKey, TValue>, new()
        where TKey : notnull
    {
        var map = new TMap();
        foreach (var (key, value) in entries)
        {
            map[key] = value;
        }

        return map;
    }
}
