using Confluent.SchemaRegistry;

namespace ActorFlow.Avro.Registry;

/// <summary>Registry clients: Confluent's <see cref="CachedSchemaRegistryClient"/> against any Confluent-compatible registry.</summary>
public static class SchemaRegistries
{
    /// <summary>A cached client of the registry at <paramref name="url"/> (Confluent Schema Registry, an <see cref="EmbeddedSchemaRegistry"/>, …).</summary>
    /// <param name="url">The registry's base URL (several may be given, comma-separated).</param>
    /// <param name="requestTimeout">The timeout of one HTTP request; 30 s when null.</param>
    /// <returns>The client; dispose it with the job.</returns>
    public static ISchemaRegistryClient Connect(string url, TimeSpan? requestTimeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        return new CachedSchemaRegistryClient(new SchemaRegistryConfig
        {
            Url = url,
            RequestTimeoutMs = (int)(requestTimeout ?? TimeSpan.FromSeconds(30)).TotalMilliseconds,
        });
    }
}
