using ActorFlow.Avro.Settings;
using Confluent.SchemaRegistry;

namespace ActorFlow.Avro.Registry;

/// <summary>
/// The registry a job host uses: the one at <see cref="AvroSettings.RegistryUrl"/>, checked at start, or, when no URL
/// is configured, an <see cref="EmbeddedSchemaRegistry"/> started here. Dispose with the host.
/// </summary>
public sealed class SchemaRegistryHost : IAsyncDisposable
{
    private SchemaRegistryHost(ISchemaRegistryClient client, string url, EmbeddedSchemaRegistry? embedded)
    {
        Client = client;
        Url = url;
        Embedded = embedded;
    }

    /// <summary>Gets the client of the registry.</summary>
    public ISchemaRegistryClient Client { get; }

    /// <summary>Gets the registry's URL.</summary>
    public string Url { get; }

    /// <summary>Gets the embedded registry, or null when an external one is used.</summary>
    public EmbeddedSchemaRegistry? Embedded { get; }

    /// <summary>
    /// Connects to the configured registry and checks that it answers (a registry that is down fails the start here,
    /// with its URL in the message), or starts the embedded one.
    /// </summary>
    /// <param name="settings">The settings.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <returns>The host.</returns>
    /// <exception cref="InvalidOperationException">The configured registry does not answer.</exception>
    public static async Task<SchemaRegistryHost> StartAsync(AvroSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        EmbeddedSchemaRegistry? embedded = null;
        var url = settings.RegistryUrl;
        if (string.IsNullOrWhiteSpace(url))
        {
            embedded = await EmbeddedSchemaRegistry.StartAsync(settings.ToEmbeddedOptions(), cancellationToken).ConfigureAwait(false);
            url = embedded.Url;
        }

        // Credentials go to the configured registry only, never to the embedded one.
        var client = SchemaRegistries.Connect(url, settings.RequestTimeout, embedded is null ? settings.RegistryCredentials : null);
        try
        {
            await client.GetCompatibilityAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or TimeoutException or SchemaRegistryException)
        {
            client.Dispose();
            if (embedded is not null)
            {
                await embedded.DisposeAsync().ConfigureAwait(false);
            }

            var refused = e is SchemaRegistryException { Status: System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden };
            throw new InvalidOperationException(
                refused
                    ? $"The schema registry at {url} refused the client (GET /config failed: {e.Message}); check actorflow.avro.registry.basic-auth-user-info{(settings.RegistryCredentials is null ? " (none is set)" : "")}."
                    : $"The schema registry at {url} does not answer (GET /config failed: {e.Message}); check actorflow.avro.registry.url.",
                e);
        }

        return new SchemaRegistryHost(client, url, embedded);
    }

    /// <summary>Releases the client and stops the embedded registry, if any.</summary>
    /// <returns>A task completing when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (Embedded is not null)
        {
            await Embedded.DisposeAsync().ConfigureAwait(false);
        }
    }
}
