using ActorFlow.Avro.Compatibility;
using ActorFlow.Avro.Registry.Store;
using Avro;

namespace ActorFlow.Avro.Registry;

/// <summary>
/// INTERNAL API. The registry's rules over an <see cref="ISchemaStore"/>, independent of HTTP: ids shared by equal
/// schemas across subjects, versions numbered per subject, soft then permanent deletion, and compatibility checked on
/// registration. Writes are serialised.
/// </summary>
internal sealed class SchemaRegistryCore(ISchemaStore store, CompatibilityLevel defaultLevel)
{
    private readonly SemaphoreSlim _writes = new(1, 1);

    public ISchemaStore Store => store;

    public static Schema Parse(string schema)
    {
        try
        {
            // Apache.Avro returns null for some unknown types instead of throwing.
            return Schema.Parse(schema) ?? throw new SchemaParseException("the schema has an unknown type");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw RegistryError.InvalidSchema($"Invalid schema: {e.Message}");
        }
    }

    public async Task<(int Id, int Version)> RegisterAsync(string subject, string schemaText, CancellationToken ct)
    {
        var schema = Parse(schemaText);
        var identity = SchemaIdentity.Of(schemaText, schema);
        await _writes.WaitAsync(ct);
        try
        {
            var versions = await store.GetVersionsAsync(subject, ct);
            var knownId = await FindIdAsync(schema, identity, ct);
            if (knownId is { } id && versions.FirstOrDefault(v => v.SchemaId == id && !v.Deleted) is { } same)
            {
                return (id, same.Version);
            }

            var live = versions.Where(v => !v.Deleted).ToList();
            var problems = await CheckAsync(subject, schema, live, ct);
            if (problems.Count > 0)
            {
                throw RegistryError.Incompatible(
                    $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{string.Join(", ", problems)}]");
            }

            var newId = knownId ?? await store.GetOrAddSchemaAsync(schemaText, identity, ct);
            var version = versions.Count == 0 ? 1 : versions.Max(v => v.Version) + 1;
            await store.AddVersionAsync(subject, version, newId, ct);
            return (newId, version);
        }
        finally
        {
            _writes.Release();
        }
    }

    public async Task<SubjectVersion> LookupAsync(string subject, string schemaText, bool includeDeleted, CancellationToken ct)
    {
        var versions = await LiveVersionsAsync(subject, includeDeleted, ct);
        var schema = Parse(schemaText);
        var id = await FindIdAsync(schema, SchemaIdentity.Of(schemaText, schema), ct);
        return versions.LastOrDefault(v => v.SchemaId == id) ?? throw RegistryError.SchemaNotFound("Schema not found");
    }

    // The id of the schema with this identity. A schema with a non-ascending field order may have been stored before the
    // order counted, under Apache.Avro's text (which drops it): that row is this schema's when its own text has the same
    // identity, so such a schema keeps its id. Limit: a stored row whose text has a non-ascending order is still found by
    // the schema without it (its key is that schema's identity, and the store has no way to re-key a row).
    private async Task<int?> FindIdAsync(Schema schema, string identity, CancellationToken ct)
    {
        if (await store.FindSchemaIdAsync(identity, ct) is { } id)
        {
            return id;
        }

        var legacy = schema.ToString();
        return legacy != identity && await store.FindSchemaIdAsync(legacy, ct) is { } old && await SchemaAsync(old, ct) is var stored && SchemaIdentity.Of(stored, Parse(stored)) == identity
            ? old
            : null;
    }

    public async Task<IReadOnlyList<SubjectVersion>> LiveVersionsAsync(string subject, bool includeDeleted, CancellationToken ct)
    {
        var versions = (await store.GetVersionsAsync(subject, ct)).Where(v => includeDeleted || !v.Deleted).ToList();
        return versions.Count == 0 ? throw RegistryError.SubjectNotFound(subject) : versions;
    }

    public async Task<SubjectVersion> VersionAsync(string subject, string version, bool includeDeleted, CancellationToken ct)
    {
        var versions = await LiveVersionsAsync(subject, includeDeleted, ct);
        if (version is "latest" or "-1")
        {
            return versions[^1];
        }

        if (!int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) || number < 1)
        {
            throw RegistryError.InvalidVersion(version);
        }

        return versions.FirstOrDefault(v => v.Version == number) ?? throw RegistryError.VersionNotFound(subject, number);
    }

    public async Task<string> SchemaAsync(int id, CancellationToken ct) =>
        await store.GetSchemaAsync(id, ct) ?? throw RegistryError.SchemaNotFound($"Schema {id} not found");

    public async Task<IReadOnlyList<int>> DeleteSubjectAsync(string subject, bool permanent, CancellationToken ct)
    {
        await _writes.WaitAsync(ct);
        try
        {
            var versions = await store.GetVersionsAsync(subject, ct);
            if (versions.Count == 0)
            {
                throw RegistryError.SubjectNotFound(subject);
            }

            if (permanent)
            {
                if (versions.Any(v => !v.Deleted))
                {
                    throw RegistryError.SubjectNotSoftDeleted(subject);
                }

                foreach (var v in versions)
                {
                    await store.RemoveVersionAsync(subject, v.Version, ct);
                }

                await store.SetCompatibilityAsync(subject, null, ct);
                return versions.Select(v => v.Version).ToList();
            }

            var live = versions.Where(v => !v.Deleted).ToList();
            if (live.Count == 0)
            {
                throw new RegistryError(404, 40404, $"Subject '{subject}' was soft deleted.Set permanent=true to delete permanently");
            }

            foreach (var v in live)
            {
                await store.SetDeletedAsync(subject, v.Version, true, ct);
            }

            return live.Select(v => v.Version).ToList();
        }
        finally
        {
            _writes.Release();
        }
    }

    public async Task<int> DeleteVersionAsync(string subject, string version, bool permanent, CancellationToken ct)
    {
        await _writes.WaitAsync(ct);
        try
        {
            var found = await VersionAsync(subject, version, permanent, ct);
            if (permanent)
            {
                if (!found.Deleted)
                {
                    throw RegistryError.VersionNotSoftDeleted(subject, found.Version);
                }

                await store.RemoveVersionAsync(subject, found.Version, ct);
            }
            else
            {
                await store.SetDeletedAsync(subject, found.Version, true, ct);
            }

            return found.Version;
        }
        finally
        {
            _writes.Release();
        }
    }

    public async Task<CompatibilityLevel> LevelAsync(string? subject, CancellationToken ct)
    {
        var level = (subject is null ? null : await store.GetCompatibilityAsync(subject, ct)) ?? await store.GetCompatibilityAsync(null, ct);
        return level is null ? defaultLevel : ParseLevel(level);
    }

    public async Task<IReadOnlyList<string>> CheckAsync(string subject, Schema candidate, IReadOnlyList<SubjectVersion> live, CancellationToken ct)
    {
        var level = await LevelAsync(subject, ct);
        if (level == CompatibilityLevel.None || live.Count == 0)
        {
            return [];
        }

        var existing = new List<(int, Schema)>();
        foreach (var v in live)
        {
            existing.Add((v.Version, Parse(await SchemaAsync(v.SchemaId, ct))));
        }

        return SchemaCompatibility.CheckLevel(level, candidate, existing);
    }

    public static CompatibilityLevel ParseLevel(string level) => level.ToUpperInvariant() switch
    {
        "NONE" => CompatibilityLevel.None,
        "BACKWARD" => CompatibilityLevel.Backward,
        "BACKWARD_TRANSITIVE" => CompatibilityLevel.BackwardTransitive,
        "FORWARD" => CompatibilityLevel.Forward,
        "FORWARD_TRANSITIVE" => CompatibilityLevel.ForwardTransitive,
        "FULL" => CompatibilityLevel.Full,
        "FULL_TRANSITIVE" => CompatibilityLevel.FullTransitive,
        _ => throw RegistryError.InvalidCompatibility(level),
    };

    public static string LevelName(CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.None => "NONE",
        CompatibilityLevel.Backward => "BACKWARD",
        CompatibilityLevel.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityLevel.Forward => "FORWARD",
        CompatibilityLevel.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityLevel.Full => "FULL",
        _ => "FULL_TRANSITIVE",
    };
}
