using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ActorFlow.Avro.Tests.Support;

/// <summary>Plain HTTP calls to a registry, as curl would make them: bodies in, JSON or raw text out.</summary>
public sealed class RegistryRest(string url) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri(url) };

    /// <summary>The request body registering or looking up <paramref name="schema"/>.</summary>
    public static string Body(string schema) => JsonSerializer.Serialize(new { schema });

    /// <summary>Confluent 8's GUID of a schema text (<c>Schema.getGuid</c>): the MD5 of its UTF-8 bytes as a UUID, worked out here independently of the registry.</summary>
    public static Guid GuidOf(string schema) =>
        new(System.Security.Cryptography.MD5.HashData(System.Text.Encoding.UTF8.GetBytes(schema)), bigEndian: true);

    /// <summary>Sends a request that must succeed and returns its JSON body.</summary>
    public async Task<JsonNode> Send(HttpMethod method, string path, string? body = null) => JsonNode.Parse(await Text(method, path, body))!;

    /// <summary>Sends a request that must succeed and returns its body as sent.</summary>
    public async Task<string> Text(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/vnd.schemaregistry.v1+json");
        }

        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text;
    }

    /// <summary>Sends a request that must fail and returns its HTTP status and Confluent error body.</summary>
    public async Task<(int Status, int ErrorCode, string Message)> Fail(HttpMethod method, string path, string body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/vnd.schemaregistry.v1+json") };
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.False(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        var error = JsonNode.Parse(text)!;
        return ((int)response.StatusCode, error["error_code"]!.GetValue<int>(), error["message"]!.GetValue<string>());
    }

    /// <summary>Registers <paramref name="schema"/> under <paramref name="subject"/> and returns its id.</summary>
    public async Task<int> Register(string subject, string schema, string query = "") =>
        (await Send(HttpMethod.Post, $"/subjects/{subject}/versions{query}", Body(schema)))["id"]!.GetValue<int>();

    /// <summary>The schema text of id <paramref name="id"/>.</summary>
    public async Task<string> SchemaOf(int id) => (await Send(HttpMethod.Get, $"/schemas/ids/{id}"))["schema"]!.GetValue<string>();

    /// <inheritdoc/>
    public void Dispose() => _http.Dispose();
}
