using ActorFlow.Avro.Settings;
using ActorFlow.Persistence.Config;
using Akka.Actor;
using Avro.Specific;
using Confluent.SchemaRegistry;

namespace ActorFlow.Avro.Registry;

/// <summary>
/// The schema registry of a job host (an actor system running or hosting jobs), as an Akka extension: the first
/// <see cref="Get"/> connects to <c>actorflow.avro.registry.url</c>, or, when it is empty, starts the embedded
/// registry on 127.0.0.1 with its schemas in the job's state store (<see cref="AvroSettings.ForStateStore"/>: SQLite
/// next to the state, or the state's PostgreSQL database), so schema ids survive restarts with the state. The registry
/// stops when the actor system terminates.
/// </summary>
public sealed class SchemaRegistryExtension : IExtension
{
    private readonly SchemaRegistryHost _host;

    internal SchemaRegistryExtension(ExtendedActorSystem system)
    {
        Settings = AvroSettings.Create(system.Settings.Config).ForStateStore(StateStoreSettings.Create(system));
        _host = SchemaRegistryHost.StartAsync(Settings).GetAwaiter().GetResult();
        system.RegisterOnTermination(() => _host.DisposeAsync().AsTask().GetAwaiter().GetResult());
    }

    /// <summary>Gets the settings the registry was started with.</summary>
    public AvroSettings Settings { get; }

    /// <summary>Gets the registry's client (Confluent's <c>CachedSchemaRegistryClient</c>).</summary>
    public ISchemaRegistryClient Client => _host.Client;

    /// <summary>Gets the registry's URL.</summary>
    public string Url => _host.Url;

    /// <summary>Gets the embedded registry, or <c>null</c> when an external one is configured.</summary>
    public EmbeddedSchemaRegistry? Embedded => _host.Embedded;

    /// <summary>
    /// The registry of <paramref name="system"/>, started on first use: fails with the configured URL in the message
    /// when that registry does not answer.
    /// </summary>
    /// <param name="system">The job host's actor system.</param>
    /// <returns>The extension.</returns>
    public static SchemaRegistryExtension Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system.WithExtension<SchemaRegistryExtension, SchemaRegistryExtensionProvider>();
    }

    /// <summary>A serde of <typeparamref name="T"/> on this registry with the configured serde options.</summary>
    /// <typeparam name="T">A generated (specific) Avro record.</typeparam>
    /// <returns>The serde.</returns>
    public AvroSerde<T> Serde<T>()
        where T : ISpecificRecord, new() => AvroSerde.For<T>(Client, Settings.ToSerdeOptions());
}

/// <summary>Creates the <see cref="SchemaRegistryExtension"/> of an actor system.</summary>
public sealed class SchemaRegistryExtensionProvider : ExtensionIdProvider<SchemaRegistryExtension>
{
    /// <inheritdoc />
    public override SchemaRegistryExtension CreateExtension(ExtendedActorSystem system) => new(system);
}
