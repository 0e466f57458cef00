using ActorFlow.Avro.Compatibility;
using ActorFlow.Avro.Registry.Store;
using ActorFlow.Shared;
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
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, string> _texts = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _byGuid = new(StringComparer.Ordinal);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, byte> _hashed = new();

    public ISchemaStore Store => store;

    /// <summary>Gets the level of a scope that sets none (Confluent's server-wide <c>schema.compatibility.level</c>).</summary>
    public string DefaultLevelName => LevelName(defaultLevel);

    public static Schema Parse(string schema)
    {
        try
        {
            // A known logical type Java ignores (a date on a long) is its underlying type, as Java's parser takes it.
            return Internal.IgnoredLogicalTypes.Parse(schema);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw RegistryError.InvalidSchema($"Invalid schema: {e.Message}");
        }
    }

    /// <summary>
    /// The schema as the registry keeps it: Apache Avro Java's text of it (<see cref="JavaSchemaText"/>), or of its
    /// normalized form when <paramref name="normalize"/> is set, as Confluent's <c>canonicalizeSchema</c> makes it.
    /// </summary>
    /// <param name="text">The schema as sent.</param>
    /// <param name="normalize">Whether to normalize it (Confluent's <c>normalize=true</c>).</param>
    /// <returns>The parsed schema and its canonical text.</returns>
    public static (Schema Schema, string Canonical) Prepare(string text, bool normalize)
    {
        var schema = Parse(text);
        try
        {
            return Follow(text);
        }
        catch (FormatException)
        {
            // Apache.Avro took a text Java's parser would not: its own text of the schema, in the specification's form
            // (Apache.Avro's nested logical-over-fixed, as Confluent's .NET serializer sends it, with the logical type
            // inside the fixed), made canonical when Java's rules can follow that, else as it stands.
            var spec = AvroSchemaJson.Of(schema);
            try
            {
                return Follow(spec);
            }
            catch (FormatException)
            {
                return (schema, spec);
            }
        }

        // Java's text of json (normalized when asked), with the schema it stands for.
        (Schema Schema, string Canonical) Follow(string json)
        {
            var canonical = normalize ? JavaSchemaText.Normalized(json) : JavaSchemaText.Canonical(json);
            return (normalize ? Parse(canonical) : schema, canonical);
        }
    }

    /// <summary>
    /// Confluent's <c>register</c>: the version of the schema when the subject has it live, else a new version after
    /// a compatibility check. A soft-deleted version of the same schema id before the new one is removed for good
    /// ("tombstone previous version with the same id"), so the id is listed once under the subject.
    /// </summary>
    public async Task<(int Id, int Version)> RegisterAsync(string subject, string schemaText, bool normalize, CancellationToken ct)
    {
        var (schema, canonical) = Prepare(schemaText, normalize);
        if (normalize)
        {
            ValidateDefaults(schemaText);
        }

        await _writes.WaitAsync(ct);
        try
        {
            var versions = await store.GetVersionsAsync(subject, ct);
            var live = versions.Where(v => !v.Deleted).ToList();
            var knownId = await FindIdAsync(normalize ? canonical : schemaText, canonical, ct);
            if (knownId is { } id && live.FirstOrDefault(v => v.SchemaId == id) is { } same)
            {
                return (id, same.Version);
            }

            if (knownId is null && await EquivalentAsync(live, canonical, ct) is { } equivalent)
            {
                return (equivalent.SchemaId, equivalent.Version);
            }

            var problems = await CheckAsync(subject, schema, live, ct);
            if (problems.Count > 0)
            {
                throw RegistryError.Incompatible(
                    $"Schema being registered is incompatible with an earlier schema for subject \"{subject}\", details: [{string.Join(", ", problems)}]");
            }

            var newId = knownId ?? await store.GetOrAddSchemaAsync(canonical, canonical, ct);
            var version = versions.Count == 0 ? 1 : versions.Max(v => v.Version) + 1;
            foreach (var tombstoned in versions.Where(v => v.Deleted && v.SchemaId == newId))
            {
                await store.RemoveVersionAsync(subject, tombstoned.Version, ct);
            }

            await store.AddVersionAsync(subject, version, newId, ct);
            return (newId, version);
        }
        finally
        {
            _writes.Release();
        }
    }

    public async Task<SubjectVersion> LookupAsync(string subject, string schemaText, bool normalize, bool includeDeleted, CancellationToken ct)
    {
        var versions = await LiveVersionsAsync(subject, includeDeleted, ct);
        var (_, canonical) = Prepare(schemaText, normalize);
        var id = await FindIdAsync(normalize ? canonical : schemaText, canonical, ct);
        return versions.LastOrDefault(v => v.SchemaId == id)
            ?? await EquivalentAsync(versions, canonical, ct)
            ?? throw RegistryError.SchemaNotFound("Schema not found");
    }

    // The id of the schema with this canonical text. Rows stored before the registry kept canonical texts are keyed by
    // SchemaIdentity's text (or, before field orders counted, Apache.Avro's) of the text as sent: such a row is this
    // schema's when its stored text has the same canonical text, so the schema keeps its id.
    private async Task<int?> FindIdAsync(string sent, string canonical, CancellationToken ct)
    {
        if (await store.FindSchemaIdAsync(canonical, ct) is { } id)
        {
            return id;
        }

        var schema = Parse(sent);
        foreach (var key in new[] { SchemaIdentity.Of(sent, schema), schema.ToString() }.Distinct().Where(k => k != canonical))
        {
            if (await store.FindSchemaIdAsync(key, ct) is { } old && await SchemaAsync(old, ct) == canonical)
            {
                return old;
            }
        }

        return null;
    }

    // Confluent's second look (canLookup): the latest of these versions whose schema equals this one but for the order
    // of properties and aliases (Java's Schema.equals and AvroSchema.metaEqual).
    private async Task<SubjectVersion?> EquivalentAsync(IReadOnlyList<SubjectVersion> versions, string canonical, CancellationToken ct)
    {
        for (var i = versions.Count - 1; i >= 0; i--)
        {
            if (JavaSchemaText.Equivalent(await SchemaAsync(versions[i].SchemaId, ct), canonical))
            {
                return versions[i];
            }
        }

        return null;
    }

    public async Task<IReadOnlyList<SubjectVersion>> LiveVersionsAsync(string subject, bool includeDeleted, CancellationToken ct)
    {
        var versions = (await store.GetVersionsAsync(subject, ct)).Where(v => includeDeleted || !v.Deleted).ToList();
        return versions.Count == 0 ? throw RegistryError.SubjectNotFound(subject) : versions;
    }

    /// <summary>
    /// Confluent's <c>get(subject, version, lookupDeleted)</c> behind the version routes: <paramref name="version"/> as
    /// <see cref="ParseVersion"/> reads it, "latest" (-1) being the latest version that is not soft-deleted, with or
    /// without <paramref name="includeDeleted"/>. 40401 when the subject has no version (none live, without
    /// <paramref name="includeDeleted"/>), 40402 when it has not that one.
    /// </summary>
    public async Task<SubjectVersion> VersionAsync(string subject, string version, bool includeDeleted, CancellationToken ct)
    {
        var number = ParseVersion(version);
        var versions = await LiveVersionsAsync(subject, includeDeleted, ct);
        return Find(versions, number) ?? throw RegistryError.VersionNotFound(subject, number);
    }

    /// <summary>The live version <paramref name="number"/> of <paramref name="subject"/>, the latest for -1, or null (Confluent's compatibility route).</summary>
    public async Task<SubjectVersion?> LiveVersionAsync(string subject, int number, CancellationToken ct) =>
        Find((await store.GetVersionsAsync(subject, ct)).Where(v => !v.Deleted).ToList(), number);

    /// <summary>
    /// Confluent's <c>VersionId</c>: "latest" in any case, or -1, is -1 (the latest version); otherwise Java's
    /// <c>Integer.parseInt</c> of the text (a sign, decimal digits of any script), 1 and up. Both after Java's
    /// <c>trim()</c> (every character up to U+0020 off either end).
    /// </summary>
    /// <exception cref="RegistryError">42202: not a version id (the message names the text, or the number out of range).</exception>
    public static int ParseVersion(string version)
    {
        var trimmed = version.Trim(JavaWhitespace);
        if (trimmed.ToLowerInvariant() == "latest")
        {
            return -1;
        }

        var number = ParseJavaInt(trimmed) ?? throw RegistryError.InvalidVersion(version);
        return number > 0 || number == -1 ? number : throw RegistryError.InvalidVersion(number.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    // The characters Java's String.trim() removes.
    private static readonly char[] JavaWhitespace = [.. Enumerable.Range(0, 0x21).Select(c => (char)c)];

    // Java's Integer.parseInt(s, 10): an optional sign, then at least one digit (Character.digit: any Unicode decimal digit), within int's range.
    private static int? ParseJavaInt(string text)
    {
        var start = text.Length > 0 && text[0] is '+' or '-' ? 1 : 0;
        if (text.Length == start)
        {
            return null;
        }

        long value = 0;
        foreach (var c in text.AsSpan(start))
        {
            var digit = char.GetUnicodeCategory(c) == System.Globalization.UnicodeCategory.DecimalDigitNumber ? System.Globalization.CharUnicodeInfo.GetDecimalDigitValue(c) : -1;
            if (digit < 0 || (value = (value * 10) + digit) > 1L + int.MaxValue)
            {
                return null;
            }
        }

        value = text[0] == '-' ? -value : value;
        return value is >= int.MinValue and <= int.MaxValue ? (int)value : null;
    }

    // The version of that number, or for -1 the latest one not soft-deleted.
    private static SubjectVersion? Find(IReadOnlyList<SubjectVersion> versions, int number) =>
        number == -1 ? versions.LastOrDefault(v => !v.Deleted) : versions.FirstOrDefault(v => v.Version == number);

    /// <summary>
    /// Java's parser with <c>validateDefaults</c>, as Confluent parses a new schema with <c>normalize=true</c>
    /// (<c>AvroSchemaProvider</c>: <c>(validateDefaults || normalize) &amp;&amp; isNew</c>, on registration and the
    /// compatibility routes, not on lookup).
    /// </summary>
    /// <exception cref="RegistryError">42201: a field's default is not a value of its type.</exception>
    public static void ValidateDefaults(string schemaText)
    {
        if (JavaSchemaText.InvalidDefault(schemaText) is { } message)
        {
            throw RegistryError.InvalidSchema($"Invalid schema: {message}");
        }
    }

    /// <summary>
    /// The canonical text of schema <paramref name="id"/>. Rows are canonicalized as they are read, so a row stored as
    /// sent by an earlier version reads as the same canonical text as a new one; an id's text never changes, so it is
    /// kept once read.
    /// </summary>
    public async Task<string> SchemaAsync(int id, CancellationToken ct)
    {
        if (_texts.TryGetValue(id, out var known))
        {
            return known;
        }

        var stored = await store.GetSchemaAsync(id, ct) ?? throw RegistryError.SchemaNotFound($"Schema {id} not found");
        string canonical;
        try
        {
            canonical = JavaSchemaText.Canonical(stored);
        }
        catch (FormatException)
        {
            // A row stored in a form Java's parser refuses (Apache.Avro's nested logical-over-fixed, as earlier builds
            // and Confluent's .NET serializer sent it): the same text registration keeps for it now, so the old row
            // is found and keeps its id.
            try
            {
                canonical = Prepare(stored, normalize: false).Canonical;
            }
            catch (RegistryError)
            {
                canonical = stored;
            }
        }

        return _texts[id] = canonical;
    }

    /// <summary>
    /// Confluent 8's GUID of a schema (<c>Schema.getGuid</c>): the MD5 of its text as a UUID. A schema with references,
    /// metadata or a rule set hashes those too; this registry keeps none.
    /// </summary>
    public static string GuidOf(string canonical) =>
        new Guid(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(canonical)), bigEndian: true).ToString();

    /// <summary>
    /// The id and text of the schema whose GUID is <paramref name="guid"/> (Confluent's <c>getByGuid</c>), among the
    /// schemas of every subject version, soft-deleted ones too. GUIDs are kept once computed; one not known yet has the
    /// schemas looked through again (it may have been registered since).
    /// </summary>
    public async Task<(int Id, string Schema)> SchemaByGuidAsync(string guid, CancellationToken ct) =>
        await IdOfGuidAsync(guid, ct) is { } id ? (id, await SchemaAsync(id, ct)) : throw RegistryError.SchemaNotFound($"Schema {guid} not found");

    /// <summary>The id of the schema whose GUID is <paramref name="guid"/>, or null; only schemas not hashed yet are hashed.</summary>
    public async Task<int?> IdOfGuidAsync(string guid, CancellationToken ct)
    {
        if (!Guid.TryParse(guid, out var parsed))
        {
            return null;
        }

        var key = parsed.ToString();
        if (_byGuid.TryGetValue(key, out var id))
        {
            return id;
        }

        foreach (var schemaId in (await store.GetVersionsAsync(null, ct)).Select(v => v.SchemaId).Distinct())
        {
            if (!_hashed.ContainsKey(schemaId))
            {
                _byGuid.TryAdd(GuidOf(await SchemaAsync(schemaId, ct)), schemaId);
                _hashed.TryAdd(schemaId, 0);
            }
        }

        return _byGuid.TryGetValue(key, out id) ? id : null;
    }

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
                await store.SetNormalizeAsync(subject, null, ct);
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

    /// <summary>
    /// Confluent's <c>deleteSchemaVersion</c>: a soft delete of a version soft-deleted already answers 40406; a permanent
    /// one of a live version 40407 ("latest" is the latest live version, so its permanent delete is always that, or
    /// 40402 when none is live); the permanent delete of the subject's last version also removes its config (Confluent
    /// 7.9.3 and later; earlier 7.x removed it when the last live version was soft-deleted).
    /// </summary>
    public async Task<int> DeleteVersionAsync(string subject, string version, bool permanent, CancellationToken ct)
    {
        var number = ParseVersion(version);
        await _writes.WaitAsync(ct);
        try
        {
            var versions = await store.GetVersionsAsync(subject, ct);
            var found = Find(versions, number);
            if (found is { Deleted: true } && !permanent)
            {
                throw RegistryError.VersionSoftDeleted(subject, version);
            }

            if (found is null)
            {
                throw versions.Count == 0 ? RegistryError.SubjectNotFound(subject) : RegistryError.VersionNotFound(subject, number);
            }

            if (permanent)
            {
                if (!found.Deleted)
                {
                    throw RegistryError.VersionNotSoftDeleted(subject, found.Version);
                }

                await store.RemoveVersionAsync(subject, found.Version, ct);
                if (versions.Count == 1)
                {
                    await store.SetCompatibilityAsync(subject, null, ct);
                    await store.SetNormalizeAsync(subject, null, ct);
                }
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

    /// <summary>The settings of one scope (a subject, or null: the global one), each null when not set.</summary>
    public async Task<(string? Level, bool? Normalize)> ConfigAsync(string? subject, CancellationToken ct) =>
        (await store.GetCompatibilityAsync(subject, ct), await store.GetNormalizeAsync(subject, ct));

    /// <summary>
    /// Confluent's <c>getConfigInScope</c>: the subject's config when it has one (either setting), else the global
    /// one; a level left unset there is the registry's default (not the global level), normalize unset is false.
    /// </summary>
    public async Task<(CompatibilityLevel Level, bool Normalize)> ConfigInScopeAsync(string? subject, CancellationToken ct)
    {
        var config = subject is null ? (null, null) : await ConfigAsync(subject, ct);
        if (config is (null, null))
        {
            config = await ConfigAsync(null, ct);
        }
        else if (config.Level is null)
        {
            // A subject config of normalize alone: Confluent 7.9 has no level for it (its checker fails on null); the
            // global level applies here, so that a subject's normalize setting does not loosen or tighten its checks.
            config = ((await ConfigAsync(null, ct)).Level, config.Normalize);
        }

        return (config.Level is null ? defaultLevel : ParseLevel(config.Level), config.Normalize ?? false);
    }

    public async Task<CompatibilityLevel> LevelAsync(string? subject, CancellationToken ct) => (await ConfigInScopeAsync(subject, ct)).Level;

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
