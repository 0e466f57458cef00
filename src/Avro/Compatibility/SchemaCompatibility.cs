using Avro;

namespace ActorFlow.Avro.Compatibility;

/// <summary>
/// Checks schemas against the Avro specification's resolution rules: whether data written with a writer schema can
/// be read with a reader schema, and whether a new schema may join a subject's versions under a
/// <see cref="CompatibilityLevel"/>. Every reason names the path, the field and the rule it breaks.
/// </summary>
public static class SchemaCompatibility
{
    /// <summary>Lists why data written with <paramref name="writer"/> cannot be read with <paramref name="reader"/> (empty: it can).</summary>
    /// <param name="reader">The reader schema.</param>
    /// <param name="writer">The writer schema.</param>
    /// <returns>The incompatibilities, in schema order.</returns>
    public static IReadOnlyList<SchemaIncompatibility> Check(Schema reader, Schema writer)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(writer);
        var found = new List<SchemaIncompatibility>();
        new Walker(found).Resolve(reader, writer, "");
        return found;
    }

    /// <summary>
    /// Lists why <paramref name="candidate"/> may not be registered after <paramref name="existing"/> (oldest first) under
    /// <paramref name="level"/>; each message says which version and which direction (reading old data, or old readers
    /// reading new data) breaks.
    /// </summary>
    /// <param name="level">The compatibility level.</param>
    /// <param name="candidate">The new schema.</param>
    /// <param name="existing">The subject's live versions, oldest first, as (version, schema).</param>
    /// <returns>The incompatibilities (empty: compatible).</returns>
    public static IReadOnlyList<string> CheckLevel(CompatibilityLevel level, Schema candidate, IReadOnlyList<(int Version, Schema Schema)> existing)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(existing);
        if (level == CompatibilityLevel.None || existing.Count == 0)
        {
            return [];
        }

        var transitive = level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
        var backward = level is CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;
        var forward = level is CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;
        var against = transitive ? existing : [existing[^1]];
        var messages = new List<string>();
        foreach (var (version, old) in against)
        {
            if (backward)
            {
                messages.AddRange(Check(candidate, old).Select(i => $"{level}: the new schema cannot read data written with version {version}: {i}"));
            }

            if (forward)
            {
                messages.AddRange(Check(old, candidate).Select(i => $"{level}: version {version} cannot read data written with the new schema: {i}"));
            }
        }

        return messages;
    }

    private sealed class Walker(List<SchemaIncompatibility> found)
    {
        private readonly HashSet<(string Reader, string Writer)> _inProgress = [];

        public void Resolve(Schema reader, Schema writer, string path)
        {
            reader = Base(reader);
            writer = Base(writer);
            if (writer is UnionSchema writerUnion)
            {
                // Every branch the writer may have written must be readable; the path names the writer's branch by index.
                for (var i = 0; i < writerUnion.Count; i++)
                {
                    var branch = Base(writerUnion[i]);
                    var branchPath = $"{path}/{i}";
                    if (reader is UnionSchema readerUnion)
                    {
                        var match = FirstMatch(readerUnion, branch);
                        if (match is null)
                        {
                            Add(branchPath, ResolutionRule.MissingUnionBranch, $"the writer's union branch {Describe(branch)} matches no branch of the reader's union {Describe(reader)}");
                        }
                        else
                        {
                            Resolve(match, branch, branchPath);
                        }
                    }
                    else
                    {
                        // A reader that is not a union must read each branch as it would read that type alone, so a branch
                        // breaks the rule it would break alone (a type or name mismatch, not a missing union branch).
                        Resolve(reader, branch, branchPath);
                    }
                }

                return;
            }

            if (reader is UnionSchema union)
            {
                var match = FirstMatch(union, writer);
                if (match is null)
                {
                    Add(path, ResolutionRule.MissingUnionBranch, $"the writer's {Describe(writer)} matches no branch of the reader's union {Describe(reader)}");
                }
                else
                {
                    Resolve(match, writer, path);
                }

                return;
            }

            if (!Matches(reader, writer))
            {
                var rule = reader.Tag == writer.Tag && reader is NamedSchema ? ResolutionRule.NameMismatch : ResolutionRule.TypeMismatch;
                Add(path, rule, $"the writer's {Describe(writer)} cannot be read as {Describe(reader)}");
                return;
            }

            switch (reader)
            {
                case RecordSchema r:
                    ResolveRecord(r, (RecordSchema)writer, path);
                    break;
                case EnumSchema e:
                    var missing = ((EnumSchema)writer).Symbols.Where(s => !e.Contains(s)).ToList();
                    if (missing.Count > 0 && e.Default is null)
                    {
                        Add(path, ResolutionRule.MissingEnumSymbols, $"the reader's enum {e.Fullname} lacks the writer's symbols [{string.Join(", ", missing)}] and has no default symbol");
                    }

                    break;
                case FixedSchema f when f.Size != ((FixedSchema)writer).Size:
                    Add(path, ResolutionRule.FixedSizeMismatch, $"the reader's fixed {f.Fullname} has size {f.Size}, the writer's {((FixedSchema)writer).Size}");
                    break;
                case ArraySchema a:
                    Resolve(a.ItemSchema, ((ArraySchema)writer).ItemSchema, path + "/items");
                    break;
                case MapSchema m:
                    Resolve(m.ValueSchema, ((MapSchema)writer).ValueSchema, path + "/values");
                    break;
            }
        }

        private void ResolveRecord(RecordSchema reader, RecordSchema writer, string path)
        {
            if (!_inProgress.Add((reader.Fullname, writer.Fullname)))
            {
                return;
            }

            foreach (var field in reader.Fields)
            {
                var fieldPath = $"{path}/fields/{field.Name}";
                var matches = WriterFields(writer, field);
                if (matches.Count > 1)
                {
                    // Java's lookupWriterField throws here, and Confluent's registry answers the pair incompatible: no
                    // reader could be built (ours would name a field twice in the schema it reads with).
                    Add(fieldPath, ResolutionRule.AmbiguousField, $"field '{field.Name}' of the reader's record {reader.Fullname} matches several fields of the writer's record by its name and aliases: {string.Join(", ", matches.Select(m => m.Name))}");
                    continue;
                }

                var written = matches.Count == 1 ? matches[0] : null;
                if (written is null)
                {
                    if (field.DefaultValue is null)
                    {
                        Add(fieldPath, ResolutionRule.ReaderFieldMissingDefault, $"field '{field.Name}' of the reader's record {reader.Fullname} is not in the writer's record and has no default");
                    }
                }
                else
                {
                    Resolve(field.Schema, written.Schema, fieldPath);
                }
            }

            _inProgress.Remove((reader.Fullname, writer.Fullname));
        }

        private static List<Field> WriterFields(RecordSchema writer, Field readerField)
        {
            var matches = new List<Field>(1);
            if (writer.TryGetField(readerField.Name, out var f))
            {
                matches.Add(f);
            }

            foreach (var alias in readerField.Aliases ?? [])
            {
                if (writer.TryGetField(alias, out f) && !matches.Contains(f))
                {
                    matches.Add(f);
                }
            }

            return matches;
        }

        private static Schema? FirstMatch(UnionSchema reader, Schema writer)
        {
            // Exact type first, then promotions (the specification's "first schema that matches", exact matches preferred as Java does).
            foreach (var s in reader.Schemas.Select(Base))
            {
                if (s.Tag == writer.Tag && (s is not NamedSchema || NamesMatch((NamedSchema)s, (NamedSchema)writer)))
                {
                    return s;
                }
            }

            return reader.Schemas.Select(Base).FirstOrDefault(s => Matches(s, writer));
        }

        private static bool Matches(Schema reader, Schema writer)
        {
            if (reader.Tag == writer.Tag)
            {
                return reader is not NamedSchema named || NamesMatch(named, (NamedSchema)writer);
            }

            return (writer.Tag, reader.Tag) switch
            {
                (Schema.Type.Int, Schema.Type.Long or Schema.Type.Float or Schema.Type.Double) => true,
                (Schema.Type.Long, Schema.Type.Float or Schema.Type.Double) => true,
                (Schema.Type.Float, Schema.Type.Double) => true,
                (Schema.Type.String, Schema.Type.Bytes) => true,
                (Schema.Type.Bytes, Schema.Type.String) => true,
                _ => false,
            };
        }

        // As Java's SchemaCompatibility.schemaNameEquals: the unqualified names, or the writer's name among the reader's
        // aliases. Apache.Avro's resolving reader compares full names: WriterSchemaAdapter gives the writer's type the
        // reader's name first, so what this calls compatible decodes.
        private static bool NamesMatch(NamedSchema reader, NamedSchema writer) =>
            reader.Name == writer.Name ||
            AliasesOf(reader).Any(a => a == writer.Fullname || a == writer.Name || a == $"{reader.Namespace}.{writer.Name}");

        // Apache.Avro keeps a named type's aliases private; they are read back from the schema's JSON.
        private static IEnumerable<string> AliasesOf(NamedSchema schema)
        {
            using var json = System.Text.Json.JsonDocument.Parse(schema.ToString());
            if (json.RootElement.ValueKind != System.Text.Json.JsonValueKind.Object || !json.RootElement.TryGetProperty("aliases", out var aliases))
            {
                return [];
            }

            return aliases.EnumerateArray().Select(a => a.GetString() ?? "").ToList();
        }

        private static Schema Base(Schema s) => s is LogicalSchema l ? l.BaseSchema : s;

        private static string Describe(Schema s) => s switch
        {
            NamedSchema n => $"{n.Tag.ToString().ToLowerInvariant()} {n.Fullname}",
            UnionSchema u => "[" + string.Join(", ", u.Schemas.Select(Describe)) + "]",
            ArraySchema a => $"array<{Describe(a.ItemSchema)}>",
            MapSchema m => $"map<{Describe(m.ValueSchema)}>",
            LogicalSchema l => Describe(l.BaseSchema),
            _ => s.Tag.ToString().ToLowerInvariant(),
        };

        private void Add(string path, string rule, string description) =>
            found.Add(new SchemaIncompatibility(path.Length == 0 ? "/" : path, rule, description));
    }
}
