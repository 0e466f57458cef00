using ActorFlow.Avro.Compatibility;
using ActorFlow.Avro.Registry.Store;

namespace ActorFlow.Avro.Registry;

/// <summary>Options of an <see cref="EmbeddedSchemaRegistry"/> (code-only; each property says its default).</summary>
public sealed record EmbeddedSchemaRegistryOptions
{
    /// <summary>Gets the TCP port on 127.0.0.1; 0 (the default) picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Gets the store factory. The default is SQLite in <c>actorflow-registry.db</c> in the working directory; use
    /// <see cref="SqlSchemaStore.PostgreSql"/> for PostgreSQL.
    /// </summary>
    public Func<ISchemaStore> Store { get; init; } = () => SqlSchemaStore.Sqlite("Data Source=actorflow-registry.db");

    /// <summary>Gets the compatibility level of subjects when neither the subject nor the global config sets one. The default is <see cref="CompatibilityLevel.Backward"/> (Confluent's default).</summary>
    public CompatibilityLevel DefaultCompatibility { get; init; } = CompatibilityLevel.Backward;
}
