using System.Collections;
using System.Runtime.CompilerServices;

namespace ActorFlow.TestKit;

/// <summary>
/// INTERNAL API. The assertions' default record equality: the type's own (<see cref="EqualityComparer{T}.Default"/>),
/// and where it differs, collections (lists, arrays: element by element in order; sets: the same elements in any order;
/// dictionaries: the same keys with equal values) and tuples by their contents, as Java's <c>List.equals</c> does in Flink's harness assertions: a function emitting a
/// <c>List&lt;long&gt;</c> is checked against <c>[1L, 2L]</c> by value, not by reference.
/// </summary>
internal sealed class StructuralComparer<T> : IEqualityComparer<T>
{
    public static readonly StructuralComparer<T> Instance = new();

    public bool Equals(T? x, T? y) => EqualityComparer<T>.Default.Equals(x, y) || Same(x, y);

    // The type's own hash unless contents decide equality (a type implementing IEquatable<T> alone hashes by it).
    public int GetHashCode(T obj) => obj is IDictionary or ITuple || (obj is IEnumerable e && IsCollection(e)) ? Hash(obj) : EqualityComparer<T>.Default.GetHashCode(obj!);

    /// <summary>A collection or tuple shown by its contents (<c>[1, 2]</c>, <c>{a: 1}</c>), anything else by <see cref="object.ToString"/>.</summary>
    public static string Format(object? item) => item switch
    {
        null => "null",
        string s => $"\"{s}\"",
        IDictionary d => "{" + string.Join(", ", Entries(d).Select(e => $"{Format(e.Key)}: {Format(e.Value)}")) + "}",
        IEnumerable e when IsCollection(e) => "[" + string.Join(", ", e.Cast<object?>().Select(Format)) + "]",
        ITuple t => "(" + string.Join(", ", Enumerable.Range(0, t.Length).Select(i => Format(t[i]))) + ")",
        _ => item.ToString() ?? "null",
    };

    private static IEnumerable<DictionaryEntry> Entries(IDictionary d)
    {
        // IDictionary's own enumerator: a generic dictionary's IEnumerable one yields KeyValuePairs.
        var entries = d.GetEnumerator();
        while (entries.MoveNext())
        {
            yield return entries.Entry;
        }
    }

    private static bool Same(object? x, object? y)
    {
        if (x is null || y is null)
        {
            return x is null && y is null;
        }

        if (x.Equals(y))
        {
            return true;
        }

        switch (x, y)
        {
            case (IDictionary a, IDictionary b):
                if (a.Count != b.Count)
                {
                    return false;
                }

                foreach (var entry in Entries(a))
                {
                    if (!b.Contains(entry.Key) || !Same(entry.Value, b[entry.Key]))
                    {
                        return false;
                    }
                }

                return true;
            case (ITuple a, ITuple b) when a.GetType() == b.GetType():
                for (var i = 0; i < a.Length; i++)
                {
                    if (!Same(a[i], b[i]))
                    {
                        return false;
                    }
                }

                return true;
            case (IEnumerable a, IEnumerable b) when IsSet(a) && IsSet(b):
                var others = b.Cast<object?>().ToList();
                foreach (var item in a)
                {
                    var at = others.FindIndex(o => Same(item, o));
                    if (at < 0)
                    {
                        return false;
                    }

                    others.RemoveAt(at);
                }

                return others.Count == 0;
            case (IEnumerable a, IEnumerable b) when IsCollection(a) && IsCollection(b):
                var left = a.GetEnumerator();
                var right = b.GetEnumerator();
                while (true)
                {
                    var more = left.MoveNext();
                    if (more != right.MoveNext())
                    {
                        return false;
                    }

                    if (!more)
                    {
                        return true;
                    }

                    if (!Same(left.Current, right.Current))
                    {
                        return false;
                    }
                }

            default:
                return false;
        }
    }

    private static int Hash(object? x)
    {
        switch (x)
        {
            case null:
                return 0;
            case IDictionary d:
                var sum = 0;
                foreach (var entry in Entries(d))
                {
                    sum += HashCode.Combine(Hash(entry.Key), Hash(entry.Value)); // any order
                }

                return sum;
            case ITuple t:
                var tuple = default(HashCode);
                for (var i = 0; i < t.Length; i++)
                {
                    tuple.Add(Hash(t[i]));
                }

                return tuple.ToHashCode();
            case IEnumerable set when IsSet(set):
                var any = 0;
                foreach (var item in set)
                {
                    any += Hash(item); // any order
                }

                return any;
            case IEnumerable e when IsCollection(e):
                var hash = default(HashCode);
                foreach (var item in e)
                {
                    hash.Add(Hash(item));
                }

                return hash.ToHashCode();
            default:
                return x.GetHashCode();
        }
    }

    // A set compares as Java's Set.equals: the same elements in any order.
    private static bool IsSet(IEnumerable e) => e.GetType().GetInterfaces().Any(i => i.IsGenericType && (i.GetGenericTypeDefinition() == typeof(ISet<>) || i.GetGenericTypeDefinition() == typeof(IReadOnlySet<>)));

    // A string is a sequence of chars but compares as a value; so does a type that defines its own equality.
    private static bool IsCollection(IEnumerable e) => e is not string && (e is Array || e.GetType().GetMethod(nameof(Equals), [typeof(object)])?.DeclaringType == typeof(object));
}
