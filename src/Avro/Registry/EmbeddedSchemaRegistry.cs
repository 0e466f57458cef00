using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ActorFlow.Avro.Registry.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorFlow.Avro.Registry;

/// <summary>
/// A schema registry speaking Confluent's REST API on 127.0.0.1, keeping schemas in a SQL store: subjects, versions,
/// ids, <c>/config</c> (global and per subject), <c>/compatibility</c> checks, soft and permanent deletion, with
/// Confluent's error bodies. Confluent's <c>CachedSchemaRegistryClient</c> and serdes, curl or any HTTP client work
/// against <see cref="Url"/>. Only Avro schemas are accepted. Dispose to stop it.
/// </summary>
public sealed partial class EmbeddedSchemaRegistry : IAsyncDisposable
{
    private const string ContentType = "application/vnd.schemaregistry.v1+json";

    // Quotes inside schema strings come out as \" (as Confluent writes them), not \u0022.
    private static readonly JsonSerializerOptions Output = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly WebApplication _app;
    private readonly SchemaRegistryCore _core;

    private EmbeddedSchemaRegistry(WebApplication app, SchemaRegistryCore core, string url)
    {
        _app = app;
        _core = core;
        Url = url;
    }

    /// <summary>Gets the base URL, e.g. <c>http://127.0.0.1:40123</c>.</summary>
    public string Url { get; }

    /// <summary>Starts a registry; its store is created and initialised first.</summary>
    /// <param name="options">Options; defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The running registry.</returns>
    public static async Task<EmbeddedSchemaRegistry> StartAsync(EmbeddedSchemaRegistryOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EmbeddedSchemaRegistryOptions();
        var store = options.Store();
        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }

        var core = new SchemaRegistryCore(store, options.DefaultCompatibility);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        var app = builder.Build();
        Map(app, core);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            await store.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new EmbeddedSchemaRegistry(app, core, address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/'));
    }

    /// <summary>Stops the server and closes the store.</summary>
    /// <returns>A task completing when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _core.Store.DisposeAsync();
    }

    private static IResult Json(JsonNode? body, int status = 200) => Results.Text(body?.ToJsonString(Output) ?? "null", ContentType, null, status);

    private static async Task<IResult> Handle(Func<Task<JsonNode?>> action)
    {
        try
        {
            return Json(await action());
        }
        catch (RegistryError e)
        {
            return Json(new JsonObject { ["error_code"] = e.ErrorCode, ["message"] = e.Message }, e.Status);
        }
        catch (JsonException e)
        {
            return Json(new JsonObject { ["error_code"] = 400, ["message"] = $"Unrecognized request body: {e.Message}" }, 400);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Json(new JsonObject { ["error_code"] = 50001, ["message"] = $"Error in the backend data store: {e.Message}" }, 500);
        }
    }

    // The raw /schema routes: the canonical text itself is the body, as Confluent sends it.
    private static async Task<IResult> HandleText(Func<Task<string>> action)
    {
        try
        {
            return Results.Text(await action(), ContentType, null, 200);
        }
        catch (RegistryError e)
        {
            return Json(new JsonObject { ["error_code"] = e.ErrorCode, ["message"] = e.Message }, e.Status);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return Json(new JsonObject { ["error_code"] = 50001, ["message"] = $"Error in the backend data store: {e.Message}" }, 500);
        }
    }

    private static async Task<(string Schema, JsonObject Body)> ReadSchemaRequest(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body) as JsonObject ?? throw new JsonException("a JSON object is expected");
        var type = Scalar(body, "schemaType");
        if (type is not null && !string.Equals(type, "AVRO", StringComparison.OrdinalIgnoreCase))
        {
            throw RegistryError.InvalidSchema($"Invalid schema: schema type {type} is not supported by this registry (AVRO only)");
        }

        if (body["references"] is JsonArray { Count: > 0 })
        {
            throw RegistryError.InvalidSchema("Invalid schema: schema references are not supported by this registry");
        }

        var schema = (body["schema"] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null)
            ?? throw RegistryError.InvalidSchema(body["schema"] is null
                ? "Invalid schema: the request has no \"schema\""
                : $"Invalid schema: \"schema\" must be the schema's text as a JSON string, not {body["schema"]!.GetValueKind()}");
        return (schema, body);
    }

    /// <summary>
    /// A scalar member of a request body as text, as Jackson binds it to a <c>String</c> or <c>Boolean</c> field of
    /// Confluent's request classes (a number or boolean becomes its text); null when absent or null; an object or array
    /// is a malformed request (400).
    /// </summary>
    private static string? Scalar(JsonObject body, string name) => body[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => v.ToJsonString(),
        var other => throw new JsonException($"\"{name}\" must be a string, not {other.GetValueKind()}"),
    };

    private static bool Flag(HttpRequest request, string name) =>
        request.Query.TryGetValue(name, out var v) && string.Equals(v.ToString(), "true", StringComparison.OrdinalIgnoreCase);

    private static JsonObject VersionBody(SubjectVersion v, string schema) =>
        new() { ["subject"] = v.Subject, ["version"] = v.Version, ["id"] = v.SchemaId, ["guid"] = SchemaRegistryCore.GuidOf(schema), ["schema"] = schema };
}
