using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace ActorFlow.Avro.Registry;

/// <summary>
/// <c>GET /mode</c> and <c>GET /schemas</c>, as Confluent 7.x answers them. The registry is always in
/// <c>READWRITE</c> mode (no mode can be set; a subject has no mode of its own). <c>/schemas</c> lists subject versions
/// with their schemas by subject then version: <c>subjectPrefix</c>, <c>deleted</c> (soft-deleted ones too),
/// <c>latestOnly</c> (the last version of each subject, among those listed), <c>offset</c> and <c>limit</c> (1 to 1000;
/// anything else means 1000, Confluent's default <c>schema.search.default.limit</c>).
/// </summary>
public sealed partial class EmbeddedSchemaRegistry
{
    private const int SchemaSearchLimit = 1000;

    private static void MapListing(WebApplication app, SchemaRegistryCore core)
    {
        app.MapGet("/mode", () => Json(new JsonObject { ["mode"] = "READWRITE" }));
        app.MapGet("/mode/{subject}", (string subject, HttpRequest request) => Handle(() =>
            Task.FromResult<JsonNode?>(Flag(request, "defaultToGlobal")
                ? new JsonObject { ["mode"] = "READWRITE" }
                : throw new RegistryError(404, 40409, $"Subject '{subject}' does not have subject-level mode configured"))));
        // Confluent's listContexts: this registry has the default context only.
        app.MapGet("/contexts", (HttpRequest request) => Json(new JsonArray(
            Page(new[] { "." }.Where(c => c.StartsWith(request.Query["contextPrefix"].ToString(), StringComparison.Ordinal)), request)
                .Select(c => (JsonNode)JsonValue.Create(c)).ToArray())));
        app.MapGet("/schemas", (HttpRequest request, CancellationToken ct) => Handle(async () =>
        {
            var prefix = request.Query["subjectPrefix"].ToString();
            var listed = (await core.Store.GetVersionsAsync(null, ct))
                .Where(v => v.Subject.StartsWith(prefix, StringComparison.Ordinal) && (Flag(request, "deleted") || !v.Deleted));
            if (Flag(request, "latestOnly"))
            {
                listed = listed.GroupBy(v => v.Subject).Select(g => g.Last());
            }

            var page = listed.OrderBy(v => v.Subject, StringComparer.Ordinal).ThenBy(v => v.Version)
                .Skip(Math.Max(0, Number(request, "offset") ?? 0))
                .Take(Number(request, "limit") is { } limit and > 0 and <= SchemaSearchLimit ? limit : SchemaSearchLimit);
            var body = new JsonArray();
            foreach (var v in page)
            {
                body.Add(VersionBody(v, await core.SchemaAsync(v.SchemaId, ct)));
            }

            return body;
        }));
    }

    // Confluent's offset and limit of a listing without a bound of its own (subjects, a subject's versions).
    private static IEnumerable<T> Page<T>(IEnumerable<T> listed, HttpRequest request)
    {
        var page = listed.Skip(Math.Max(0, Number(request, "offset") ?? 0));
        return Number(request, "limit") is { } limit and > 0 ? page.Take(limit) : page;
    }

    private static int? Number(HttpRequest request, string name) =>
        int.TryParse(request.Query[name].ToString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n : null;
}
