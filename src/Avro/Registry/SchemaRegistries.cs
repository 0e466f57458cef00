using Confluent.SchemaRegistry;

namespace ActorFlow.Avro.Registry;

/// <summary>Registry clients: Confluent's <see cref="CachedSchemaRegistryClient"/> against any Confluent-compatible registry.</summary>
public static class SchemaRegistries
{
    /// <summary>
    /// A cached client of the registry at <paramref name="url"/> (Confluent Schema Registry, an
    /// <see cref="EmbeddedSchemaRegistry"/>, …), sending <paramref name="credentials"/> with every request when given
    /// (HTTP basic authentication, as Confluent's <c>basic.auth.user.info</c>: e.g. Confluent Cloud).
    /// </summary>
    public static ISchemaRegistryClient Connect(string url, TimeSpan? requestTimeout = null, Settings.RegistryCredentials? credentials = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var config = new SchemaRegistryConfig
        {
            Url = url,
            RequestTimeoutMs = (int)(requestTimeout ?? TimeSpan.FromSeconds(30)).TotalMilliseconds,
        };
        if (credentials is not null)
        {
            config.BasicAuthCredentialsSource = AuthCredentialsSource.UserInfo;
            config.BasicAuthUserInfo = credentials.UserInfo;
        }

        return new CachedSchemaRegistryClient(config);
    }
}
