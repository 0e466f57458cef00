using Avro;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro.Internal;

/// <summary>INTERNAL API. The schemas a schema is made of, for the checks and rewrites that look at every one of them.</summary>
internal static class SchemaNodes
{
    /// <summary>
    /// <paramref name="root"/> and every schema reachable from it, each once (a named type used again is not visited
    /// again), depth first in the order they are written, each before what it holds, with its path from
    /// <paramref name="path"/>: <c>.field</c>, <c>[]</c> for an array's items, <c>{}</c> for a map's values,
    /// <c>&lt;i&gt;</c> for a union's branch i. A logical type's base schema is not visited.
    /// </summary>
    /// <param name="root">The schema.</param>
    /// <param name="path">The root's path.</param>
    /// <returns>The schemas with their paths.</returns>
    public static IEnumerable<(AvroSchema Node, string Path)> Of(AvroSchema root, string path = "") =>
        Visit(root, path, new HashSet<AvroSchema>(ReferenceEqualityComparer.Instance));

    private static IEnumerable<(AvroSchema Node, string Path)> Visit(AvroSchema schema, string path, HashSet<AvroSchema> seen)
    {
        if (!seen.Add(schema))
        {
            yield break;
        }

        yield return (schema, path);
        IEnumerable<(AvroSchema, string)> inside = schema switch
        {
            RecordSchema record => record.Fields.Select(f => (f.Schema, $"{path}.{f.Name}")),
            ArraySchema array => [(array.ItemSchema, path + "[]")],
            MapSchema map => [(map.ValueSchema, path + "{}")],
            UnionSchema union => union.Schemas.Select((s, i) => (s, $"{path}<{i}>")),
            _ => [],
        };
        foreach (var (child, at) in inside)
        {
            foreach (var node in Visit(child, at, seen))
            {
                yield return node;
            }
        }
    }
}
