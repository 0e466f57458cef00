using System.Text;

namespace ActorFlow.TestKit;

/// <summary>
/// Compares a job's or an operator's output with an expected list and fails with a readable difference: in any order
/// (<see cref="Equivalent{T}"/>, duplicates count), in order (<see cref="Ordered{T}"/>), or as an upsert table
/// (<see cref="Latest{T, TKey}"/>).
/// </summary>
public static class OutputAssert
{
    private const int Shown = 10;

    /// <summary>
    /// Asserts that <paramref name="actual"/> holds the records of <paramref name="expected"/>, each as often, in any
    /// order. The failure names the records missing, those not expected, and those written more often than expected
    /// (e.g. twice by an at-least-once sink).
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="expected">The expected records.</param>
    /// <param name="actual">The output.</param>
    /// <param name="comparer">Record equality (default: <see cref="object.Equals(object)"/>, collections and tuples by their contents).</param>
    /// <param name="name">What the output is (e.g. a topic), named in the failure message; default "The output".</param>
    /// <exception cref="OutputMismatchException">The two differ.</exception>
    public static void Equivalent<T>(IEnumerable<T> expected, IEnumerable<T> actual, IEqualityComparer<T>? comparer = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var expectedList = expected.ToList();
        var actualList = actual.ToList();
        var counts = new Dictionary<Box<T>, int>(new BoxComparer<T>(comparer ?? StructuralComparer<T>.Instance));
        foreach (var e in expectedList)
        {
            counts[new Box<T>(e)] = counts.GetValueOrDefault(new Box<T>(e)) + 1;
        }

        var extra = new List<T>();
        var twice = new List<T>();
        var seen = new Dictionary<Box<T>, int>(counts.Comparer);
        foreach (var a in actualList)
        {
            var box = new Box<T>(a);
            if (!counts.TryGetValue(box, out var wanted))
            {
                extra.Add(a);
                continue;
            }

            var n = seen[box] = seen.GetValueOrDefault(box) + 1;
            if (n > wanted)
            {
                twice.Add(a);
            }
        }

        var missing = new List<T>();
        foreach (var (box, wanted) in counts)
        {
            for (var i = seen.GetValueOrDefault(box); i < wanted; i++)
            {
                missing.Add(box.Value);
            }
        }

        if (missing.Count == 0 && extra.Count == 0 && twice.Count == 0)
        {
            return;
        }

        var message = new StringBuilder()
            .Append(name ?? "The output").Append(" differs from the expected records (in any order): ")
            .Append(actualList.Count).Append(" records, ").Append(expectedList.Count).AppendLine(" expected.")
            .Append("  Missing: ").AppendLine(List(missing))
            .Append("  Not expected: ").AppendLine(List(extra))
            .Append("  More often than expected: ").Append(List(twice));
        throw new OutputMismatchException(message.ToString());
    }

    /// <summary>
    /// Asserts that <paramref name="actual"/> equals <paramref name="expected"/> record by record, in order. The failure
    /// names the first position that differs, with the records around it in both lists.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="expected">The expected records, in order.</param>
    /// <param name="actual">The output.</param>
    /// <param name="comparer">Record equality (default: <see cref="object.Equals(object)"/>, collections and tuples by their contents).</param>
    /// <param name="name">What the output is (e.g. a topic), named in the failure message; default "The output".</param>
    /// <exception cref="OutputMismatchException">The two differ.</exception>
    public static void Ordered<T>(IEnumerable<T> expected, IEnumerable<T> actual, IEqualityComparer<T>? comparer = null, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        comparer ??= StructuralComparer<T>.Instance;
        var e = expected.ToList();
        var a = actual.ToList();
        var first = 0;
        while (first < e.Count && first < a.Count && comparer.Equals(e[first], a[first]))
        {
            first++;
        }

        if (first == e.Count && first == a.Count)
        {
            return;
        }

        var from = Math.Max(0, first - 2);
        var message = new StringBuilder()
            .Append(name ?? "The output").Append(" differs from the expected records at position ").Append(first)
            .Append(" (").Append(a.Count).Append(" records, ").Append(e.Count).AppendLine(" expected).")
            .Append("  Expected from ").Append(from).Append(": ").AppendLine(Window(e, from, first))
            .Append("  Actual from ").Append(from).Append(":   ").Append(Window(a, from, first));
        throw new OutputMismatchException(message.ToString());
    }

    /// <summary>
    /// Reads output as an upsert table: the last record per key wins (as a compacted topic or a table sink keeps it),
    /// so a result an at-least-once sink wrote again with the same value counts once.
    /// </summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <param name="records">The output, in the order it was written.</param>
    /// <param name="key">The key of a record.</param>
    /// <returns>The last record per key.</returns>
    public static Dictionary<TKey, T> Latest<T, TKey>(IEnumerable<T> records, Func<T, TKey> key)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(key);
        var table = new Dictionary<TKey, T>();
        foreach (var r in records)
        {
            table[key(r)] = r;
        }

        return table;
    }

    private static string List<T>(List<T> items) =>
        items.Count == 0 ? "none" : $"{items.Count}: {string.Join(", ", items.Take(Shown).Select(Format))}{(items.Count > Shown ? ", …" : "")}";

    private static string Window<T>(List<T> items, int from, int mark)
    {
        if (from >= items.Count)
        {
            return "(end)";
        }

        var shown = items.Skip(from).Take(5).Select((item, i) => from + i == mark ? $"→ {Format(item)}" : Format(item));
        return string.Join(", ", shown) + (from + 5 < items.Count ? ", …" : mark >= items.Count ? ", → (end)" : "");
    }

    private static string Format<T>(T item) => StructuralComparer<T>.Format(item);

    private readonly record struct Box<T>(T Value);

    private sealed class BoxComparer<T>(IEqualityComparer<T> inner) : IEqualityComparer<Box<T>>
    {
        public bool Equals(Box<T> x, Box<T> y) => inner.Equals(x.Value, y.Value);

        public int GetHashCode(Box<T> obj) => obj.Value is null ? 0 : inner.GetHashCode(obj.Value);
    }
}
