using System.Text.Json.Nodes;
using ActorFlow.Avro.Compatibility;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace ActorFlow.Avro.Registry;

/// <summary>The REST routes, as Confluent Schema Registry names them.</summary>
public sealed partial class EmbeddedSchemaRegistry
{
    private static void Map(WebApplication app, SchemaRegistryCore core)
    {
        app.Use(DecodeSubject);
        app.MapGet("/", () => Json(new JsonObject()));
        app.MapGet("/schemas/types", () => Json(new JsonArray("AVRO")));
        app.MapGet("/schemas/ids/{id:int}", (int id, CancellationToken ct) => Handle(async () =>
        {
            var schema = await core.SchemaAsync(id, ct);
            return new JsonObject { ["schema"] = schema, ["guid"] = SchemaRegistryCore.GuidOf(schema) };
        }));
        app.MapGet("/schemas/guids/{guid}", (string guid, CancellationToken ct) => Handle(async () =>
        {
            var (_, schema) = await core.SchemaByGuidAsync(guid, ct);
            return new JsonObject { ["schema"] = schema, ["guid"] = SchemaRegistryCore.GuidOf(schema) };
        }));
        // Confluent's getIdsByGuid answers an empty list for a GUID it does not know (no 404).
        app.MapGet("/schemas/guids/{guid}/ids", (string guid, CancellationToken ct) => Handle(async () =>
            await core.IdOfGuidAsync(guid, ct) is { } id ? new JsonArray(new JsonObject { ["context"] = ".", ["id"] = id }) : new JsonArray()));
        app.MapGet("/schemas/ids/{id:int}/schema", (int id, CancellationToken ct) => HandleText(() => core.SchemaAsync(id, ct)));
        app.MapGet("/schemas/ids/{id:int}/versions", (int id, HttpRequest request, CancellationToken ct) => Handle(async () =>
        {
            await core.SchemaAsync(id, ct);
            var versions = (await core.Store.GetVersionsOfSchemaAsync(id, ct)).Where(v => Flag(request, "deleted") || !v.Deleted);
            return new JsonArray(versions.Select(v => (JsonNode)new JsonObject { ["subject"] = v.Subject, ["version"] = v.Version }).ToArray());
        }));
        app.MapGet("/schemas/ids/{id:int}/subjects", (int id, HttpRequest request, CancellationToken ct) => Handle(async () =>
        {
            await core.SchemaAsync(id, ct);
            var versions = (await core.Store.GetVersionsOfSchemaAsync(id, ct)).Where(v => Flag(request, "deleted") || !v.Deleted);
            return new JsonArray(versions.Select(v => v.Subject).Distinct().Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
        }));

        // Confluent's listSubjects: a subject is deleted when every version of it is; deletedOnly lists those alone (also
        // with deleted), deleted lists all; sorted, then offset and limit (one of 0 or less means no limit).
        app.MapGet("/subjects", (HttpRequest request, CancellationToken ct) => Handle(async () =>
        {
            var prefix = request.Query["subjectPrefix"].ToString();
            var subjects = (await core.Store.GetVersionsAsync(null, ct))
                .Where(v => v.Subject.StartsWith(prefix, StringComparison.Ordinal))
                .GroupBy(v => v.Subject)
                .Where(g => g.All(v => v.Deleted) ? Flag(request, "deleted") || Flag(request, "deletedOnly") : !Flag(request, "deletedOnly"))
                .Select(g => g.Key)
                .Order(StringComparer.Ordinal);
            return new JsonArray(Page(subjects, request).Select(s => (JsonNode)JsonValue.Create(s)).ToArray());
        }));
        app.MapPost("/subjects/{subject}", (string subject, HttpRequest request, CancellationToken ct) => Handle(async () =>
        {
            var (schema, _) = await ReadSchemaRequest(request);
            var found = await core.LookupAsync(subject, schema, await NormalizeAsync(core, subject, request, ct), Flag(request, "deleted"), ct);
            return VersionBody(found, await core.SchemaAsync(found.SchemaId, ct));
        }));
        app.MapDelete("/subjects/{subject}", (string subject, HttpRequest request, CancellationToken ct) => Handle(async () =>
            new JsonArray((await core.DeleteSubjectAsync(subject, Flag(request, "permanent"), ct)).Select(v => (JsonNode)v).ToArray())));
        // Confluent's listVersions: 40401 for a subject without a version listed by deleted/deletedOnly; deletedAsNegative
        // lists every version, the soft-deleted ones negated; deletedOnly the soft-deleted ones; then offset and limit.
        app.MapGet("/subjects/{subject}/versions", (string subject, HttpRequest request, CancellationToken ct) => Handle(async () =>
        {
            var versions = await core.LiveVersionsAsync(subject, Flag(request, "deleted") || Flag(request, "deletedOnly"), ct);
            var listed = Flag(request, "deletedAsNegative")
                ? (await core.Store.GetVersionsAsync(subject, ct)).Select(v => v.Deleted ? -v.Version : v.Version)
                : versions.Where(v => !Flag(request, "deletedOnly") || v.Deleted).Select(v => v.Version);
            return new JsonArray(Page(listed, request).Select(v => (JsonNode)v).ToArray());
        }));
        app.MapPost("/subjects/{subject}/versions", (string subject, HttpRequest request, CancellationToken ct) => Handle(async () =>
        {
            var (schema, _) = await ReadSchemaRequest(request);
            var (id, version) = await core.RegisterAsync(subject, schema, await NormalizeAsync(core, subject, request, ct), ct);
            return new JsonObject { ["id"] = id, ["version"] = version, ["guid"] = SchemaRegistryCore.GuidOf(await core.SchemaAsync(id, ct)) };
        }));
        app.MapGet("/subjects/{subject}/versions/{version}", (string subject, string version, HttpRequest request, CancellationToken ct) => Handle(async () =>
        {
            var found = await core.VersionAsync(subject, version, Flag(request, "deleted"), ct);
            return VersionBody(found, await core.SchemaAsync(found.SchemaId, ct));
        }));
        app.MapGet("/subjects/{subject}/versions/{version}/schema", (string subject, string version, HttpRequest request, CancellationToken ct) => HandleText(async () =>
            await core.SchemaAsync((await core.VersionAsync(subject, version, Flag(request, "deleted"), ct)).SchemaId, ct)));
        app.MapGet("/subjects/{subject}/versions/{version}/referencedby", (string subject, string version, CancellationToken ct) => Handle(async () =>
        {
            await core.VersionAsync(subject, version, true, ct); // Confluent looks soft-deleted versions up here
            return new JsonArray();
        }));
        app.MapDelete("/subjects/{subject}/versions/{version}", (string subject, string version, HttpRequest request, CancellationToken ct) => Handle(async () =>
            (JsonNode)await core.DeleteVersionAsync(subject, version, Flag(request, "permanent"), ct)));

        // Confluent's testCompatibilityBySubjectName: a numbered version the subject has not live is 40402 (also for an
        // unknown subject); "latest" of a subject without a live version checks against nothing: compatible.
        app.MapPost("/compatibility/subjects/{subject}/versions/{version}", (string subject, string version, HttpRequest request, CancellationToken ct) => Handle(async () =>
        {
            var (schema, _) = await ReadSchemaRequest(request);
            var number = SchemaRegistryCore.ParseVersion(version);
            var against = await core.LiveVersionAsync(subject, number, ct);
            if (against is null && number != -1)
            {
                throw RegistryError.VersionNotFound(subject, number);
            }

            var candidate = await CandidateAsync(core, subject, schema, request, ct);
            return candidate.Invalid is { } invalid
                ? CompatibilityBody(request, [invalid])
                : CompatibilityBody(request, await core.CheckAsync(subject, candidate.Schema!, against is null ? [] : [against], ct));
        }));
        app.MapPost("/compatibility/subjects/{subject}/versions", (string subject, HttpRequest request, CancellationToken ct) => Handle(async () =>
        {
            var (schema, _) = await ReadSchemaRequest(request);
            var candidate = await CandidateAsync(core, subject, schema, request, ct);
            if (candidate.Invalid is { } invalid)
            {
                return CompatibilityBody(request, [invalid]);
            }

            var live = (await core.Store.GetVersionsAsync(subject, ct)).Where(v => !v.Deleted).ToList();
            return CompatibilityBody(request, await core.CheckAsync(subject, candidate.Schema!, live, ct));
        }));

        app.MapGet("/config", (CancellationToken ct) => Handle(async () =>
        {
            var (level, normalize) = await core.ConfigAsync(null, ct);
            return ConfigBody("compatibilityLevel", level ?? core.DefaultLevelName, normalize);
        }));
        app.MapPut("/config", (HttpRequest request, CancellationToken ct) => Handle(async () =>
            await SetConfigAsync(core, null, request, ct)));

        // Confluent 7.3+'s deleteTopLevelConfig: the global config back to the registry's default; the answer is the
        // config as GET /config gave it before.
        app.MapDelete("/config", (CancellationToken ct) => Handle(async () =>
        {
            var (level, normalize) = await core.ConfigAsync(null, ct);
            await core.Store.SetCompatibilityAsync(null, null, ct);
            await core.Store.SetNormalizeAsync(null, null, ct);
            return ConfigBody("compatibilityLevel", level ?? core.DefaultLevelName, normalize);
        }));
        app.MapGet("/config/{subject}", (string subject, HttpRequest request, CancellationToken ct) => Handle(async () =>
        {
            var (level, normalize) = await core.ConfigAsync(subject, ct);
            if (level is null && normalize is null)
            {
                (level, normalize) = Flag(request, "defaultToGlobal") ? await core.ConfigAsync(null, ct) : throw RegistryError.SubjectConfigNotFound(subject);
                level ??= core.DefaultLevelName;
            }

            return ConfigBody("compatibilityLevel", level, normalize);
        }));
        app.MapPut("/config/{subject}", (string subject, HttpRequest request, CancellationToken ct) => Handle(async () =>
            await SetConfigAsync(core, subject, request, ct)));
        app.MapDelete("/config/{subject}", (string subject, CancellationToken ct) => Handle(async () =>
        {
            var (level, normalize) = await core.ConfigAsync(subject, ct);
            if (level is null && normalize is null)
            {
                // Confluent's DELETE answers "subject not found" (40401) for a subject without a config of its own; its GET, 40408.
                throw RegistryError.SubjectNotFound(subject);
            }

            await core.Store.SetCompatibilityAsync(subject, null, ct);
            await core.Store.SetNormalizeAsync(subject, null, ct);
            return ConfigBody("compatibilityLevel", level, normalize);
        }));

        MapListing(app, core);

        // Anything else gets Confluent's shape of a 404, so clients show a registry error rather than an HTML page.
        app.MapFallback(() => Json(new JsonObject { ["error_code"] = 404, ["message"] = "HTTP 404 Not Found" }, 404));
    }

    // Kestrel decodes the path except %2F, which stays as those three characters so that segments keep their meaning:
    // a subject "a/b" (sent as a%2Fb) would arrive as "a%2Fb", the same as a subject "a%2Fb" (sent as a%252Fb).
    // Confluent's registry (JAX-RS path parameters) decodes the segment fully, so the subject is taken from the raw
    // request target instead. Runs after routing, before the endpoint binds its parameters.
    private static Task DecodeSubject(HttpContext context, Func<Task> next)
    {
        if (context.GetEndpoint() is RouteEndpoint endpoint && context.Request.RouteValues.ContainsKey("subject") &&
            context.Features.Get<IHttpRequestFeature>()?.RawTarget is { } target)
        {
            var segment = endpoint.RoutePattern.PathSegments.ToList().FindIndex(s => s.Parts is [RoutePatternParameterPart { Name: "subject" }]);
            var query = target.IndexOf('?', StringComparison.Ordinal);
            var raw = (query < 0 ? target : target[..query]).TrimStart('/').Split('/');
            if (segment >= 0 && segment < raw.Length)
            {
                context.Request.RouteValues["subject"] = Uri.UnescapeDataString(raw[segment]);
            }
        }

        return next();
    }

    // Confluent's ConfigValue.update: the settings given replace those stored, the others stay; the answer is the
    // scope's config after it, without the settings it does not have.
    private static async Task<JsonNode?> SetConfigAsync(SchemaRegistryCore core, string? subject, HttpRequest request, CancellationToken ct)
    {
        var body = await JsonNode.ParseAsync(request.Body, cancellationToken: ct) as JsonObject ?? throw new System.Text.Json.JsonException("a JSON object is expected");
        var requested = Scalar(body, "compatibility") ?? Scalar(body, "compatibilityLevel");
        var normalize = Scalar(body, "normalize") switch
        {
            null => (bool?)null,
            var text when bool.TryParse(text, out var flag) => flag,
            var text when long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var number) => number != 0,   // Jackson binds 0 and 1 to a Boolean
            var text => throw new System.Text.Json.JsonException($"\"normalize\" must be true or false, not {text}"),
        };
        if (requested is null && normalize is null)
        {
            throw RegistryError.InvalidCompatibility("");
        }

        if (requested is not null)
        {
            await core.Store.SetCompatibilityAsync(subject, SchemaRegistryCore.LevelName(SchemaRegistryCore.ParseLevel(requested)), ct);
        }

        if (normalize is not null)
        {
            await core.Store.SetNormalizeAsync(subject, normalize, ct);
        }

        var (level, normalized) = await core.ConfigAsync(subject, ct);
        return ConfigBody("compatibility", level, normalized);
    }

    private static JsonObject ConfigBody(string levelName, string? level, bool? normalize)
    {
        var body = new JsonObject();
        if (level is not null)
        {
            body[levelName] = level;
        }

        if (normalize is not null)
        {
            body["normalize"] = normalize;
        }

        return body;
    }

    // The schema of a compatibility request, as Confluent's isCompatible parses a new one (defaults validated with normalize).
    // An invalid one is 42201, except with verbose=true, where Confluent answers is_compatible false with the parse error
    // as the message (CompatibilityResource: InvalidSchemaException caught when verbose): then Invalid holds it.
    private static async Task<(global::Avro.Schema? Schema, string? Invalid)> CandidateAsync(SchemaRegistryCore core, string subject, string schema, HttpRequest request, CancellationToken ct)
    {
        var normalize = await NormalizeAsync(core, subject, request, ct);
        try
        {
            var candidate = SchemaRegistryCore.Prepare(schema, normalize).Schema;
            if (normalize)
            {
                SchemaRegistryCore.ValidateDefaults(schema);
            }

            return (candidate, null);
        }
        catch (RegistryError e) when (e.ErrorCode == 42201 && Flag(request, "verbose"))
        {
            return (null, e.Message);
        }
    }

    // The query's normalize=true, else the normalize of the subject's config in scope, as Confluent's routes take it.
    private static async Task<bool> NormalizeAsync(SchemaRegistryCore core, string subject, HttpRequest request, CancellationToken ct) =>
        Flag(request, "normalize") || (await core.ConfigInScopeAsync(subject, ct)).Normalize;

    private static JsonObject CompatibilityBody(HttpRequest request, IReadOnlyList<string> problems)
    {
        var body = new JsonObject { ["is_compatible"] = problems.Count == 0 };
        if (Flag(request, "verbose"))
        {
            body["messages"] = new JsonArray(problems.Select(p => (JsonNode)JsonValue.Create(p)).ToArray());
        }

        return body;
    }

}
