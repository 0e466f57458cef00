namespace ActorFlow.Avro.Tests.Support;

/// <summary>A spec that talks to its own embedded registry over HTTP: one registry (and store) per test, disposed after it.</summary>
public abstract class RegistryRestSpec : IAsyncLifetime
{
    /// <summary>Gets the registry and a Confluent client of it.</summary>
    protected RegistryFixture Fixture { get; private set; } = null!;

    /// <summary>Gets the HTTP client of the registry.</summary>
    protected RegistryRest Rest { get; private set; } = null!;

    /// <inheritdoc/>
    public async Task InitializeAsync()
    {
        Fixture = await RegistryFixture.StartAsync();
        Rest = new RegistryRest(Fixture.Registry.Url);
    }

    /// <inheritdoc/>
    public async Task DisposeAsync()
    {
        Rest.Dispose();
        await Fixture.DisposeAsync();
    }
}
