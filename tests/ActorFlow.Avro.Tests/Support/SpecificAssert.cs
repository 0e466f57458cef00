using System.Collections;
using Avro;
using Avro.Specific;

namespace ActorFlow.Avro.Tests.Support;

/// <summary>Field-by-field comparison of generated records, naming the first place that differs.</summary>
public static class SpecificAssert
{
    /// <summary>
    /// Asserts that <paramref name="actual"/> holds the same values as <paramref name="expected"/>, of the same CLR types,
    /// down through records (by <see cref="ISpecificRecord.Get"/>), fixed (by bytes), arrays and maps; a
    /// <see cref="DateTime"/> must also have the same <see cref="DateTime.Kind"/>.
    /// </summary>
    /// <param name="expected">The expected value.</param>
    /// <param name="actual">The value read.</param>
    /// <param name="path">Where the values are, for the message.</param>
    public static void Same(object? expected, object? actual, string path = "")
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{path}: expected {expected ?? "null"}, read {actual ?? "null"}");
            return;
        }

        switch (expected)
        {
            case ISpecificRecord record:
                Assert.True(record.GetType() == actual.GetType(), $"{path}: expected a {record.GetType().Name}, read a {actual.GetType().Name}");
                foreach (var field in ((RecordSchema)record.Schema).Fields)
                {
                    Same(record.Get(field.Pos), ((ISpecificRecord)actual).Get(field.Pos), $"{path}.{field.Name}");
                }

                break;
            case SpecificFixed fixedValue:
                Assert.True(fixedValue.GetType() == actual.GetType(), $"{path}: expected a {fixedValue.GetType().Name}, read a {actual.GetType().Name}");
                Assert.True(fixedValue.Value.AsSpan().SequenceEqual(((SpecificFixed)actual).Value), $"{path}: bytes differ");
                break;
            case byte[] bytes:
                Assert.True(actual is byte[] b && bytes.AsSpan().SequenceEqual(b), $"{path}: bytes differ");
                break;
            case IDictionary map:
                var actualMap = Assert.IsAssignableFrom<IDictionary>(actual);
                Assert.True(map.Count == actualMap.Count, $"{path}: {map.Count} entries expected, {actualMap.Count} read");
                foreach (DictionaryEntry entry in map)
                {
                    Assert.True(actualMap.Contains(entry.Key), $"{path}: key {entry.Key} missing");
                    Same(entry.Value, actualMap[entry.Key], $"{path}{{{entry.Key}}}");
                }

                break;
            case IList list:
                var actualList = Assert.IsAssignableFrom<IList>(actual);
                Assert.True(list.Count == actualList.Count, $"{path}: {list.Count} items expected, {actualList.Count} read");
                for (var i = 0; i < list.Count; i++)
                {
                    Same(list[i], actualList[i], $"{path}[{i}]");
                }

                break;
            case DateTime time:
                Assert.True(actual is DateTime t && t == time && t.Kind == time.Kind, $"{path}: expected {time:O} ({time.Kind}), read {actual}");
                break;
            default:
                Assert.True(expected.GetType() == actual.GetType(), $"{path}: expected a {expected.GetType().Name} ({expected}), read a {actual.GetType().Name} ({actual})");
                Assert.True(expected.Equals(actual), $"{path}: expected {expected}, read {actual}");
                break;
        }
    }
}
