using ActorFlow.Persistence.Config;
using ActorFlow.Persistence.Partitioning;
using ActorFlow.Persistence.Snapshots;
using Akka.Actor;
using Akka.Configuration;
using AkkaConfig = Akka.Configuration.Config;

namespace ActorFlow.Persistence;

/// <summary>
/// The ActorFlow.Persistence Akka extension: injects the embedded reference.conf (<c>actorflow.persistence</c>
/// defaults and the serializer for snapshots and checkpoint markers) as a top-level fallback of the system's
/// config, and exposes the typed settings. Get it with <c>ActorFlowPersistence.Get(system)</c>.
/// </summary>
public sealed class ActorFlowPersistence : IExtension
{
    /// <summary>Creates the extension for <paramref name="system"/>; use <see cref="Get"/> instead.</summary>
    /// <param name="system">The actor system.</param>
    public ActorFlowPersistence(ExtendedActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        system.Settings.InjectTopLevelFallback(DefaultConfiguration);
        var config = system.Settings.Config;
        KnownSettings.Check(config, DefaultConfiguration, "actorflow.persistence");
        StateStore = StateStoreSettings.Create(config);
        Checkpoints = CheckpointSettings.Create(config);
        MaxParallelism = KnownSettings.Read(config.GetConfig("actorflow.persistence"), "actorflow.persistence", "key-groups.max-parallelism", static (c, k) => c.GetInt(k));
        KeyGroups.ValidateMaxParallelism(MaxParallelism);
        RegisterSerializer(system);
    }

    /// <summary>The embedded defaults (reference.conf, HOCON root <c>actorflow.persistence</c>).</summary>
    public static AkkaConfig DefaultConfiguration { get; } =
        ConfigurationFactory.FromResource<ActorFlowPersistence>("ActorFlow.Persistence.reference.conf");

    /// <summary>Where state and checkpoint records are stored.</summary>
    public StateStoreSettings StateStore { get; }

    /// <summary>How checkpoint records are kept.</summary>
    public CheckpointSettings Checkpoints { get; }

    /// <summary>The number of key groups (<c>actorflow.persistence.key-groups.max-parallelism</c>, default 128).</summary>
    public int MaxParallelism { get; }

    /// <summary>The extension of <paramref name="system"/>, created on first use.</summary>
    /// <param name="system">The actor system.</param>
    /// <returns>The extension.</returns>
    public static ActorFlowPersistence Get(ActorSystem system) => system.WithExtension<ActorFlowPersistence, Provider>();

    /// <summary><paramref name="config"/> over the embedded defaults.</summary>
    internal static AkkaConfig WithDefaults(AkkaConfig config) =>
        ReferenceEquals(config, DefaultConfiguration) ? config : config.WithFallback(DefaultConfiguration);

    // Bindings in reference.conf only count when present at system start; add them for systems started without.
    private static void RegisterSerializer(ExtendedActorSystem system)
    {
        var serialization = system.Serialization;
        if (serialization.FindSerializerForType(typeof(KeyGroupSnapshot)) is PersistenceMessageSerializer)
        {
            return;
        }

        var serializer = new PersistenceMessageSerializer(system);
        serialization.AddSerializer("actorflow-persistence", serializer);
        serialization.AddSerializationMap(typeof(KeyGroupSnapshot), serializer);
        serialization.AddSerializationMap(typeof(CheckpointMarker), serializer);
    }

    /// <summary>INTERNAL API. Creates the extension for Akka's extension registry.</summary>
    public sealed class Provider : ExtensionIdProvider<ActorFlowPersistence>
    {
        /// <inheritdoc />
        public override ActorFlowPersistence CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
