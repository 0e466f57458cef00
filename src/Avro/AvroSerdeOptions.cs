using Avro;

namespace ActorFlow.Avro;

/// <summary>Options of an <see cref="AvroSerde{T}"/> (code-only; each property says its default).</summary>
public sealed record AvroSerdeOptions
{
    /// <summary>Gets the default options.</summary>
    public static AvroSerdeOptions Default { get; } = new();

    /// <summary>Gets how subjects are named. The default is <see cref="SubjectNameStrategy.Topic"/>.</summary>
    public SubjectNameStrategy SubjectNameStrategy { get; init; } = SubjectNameStrategy.Topic;

    /// <summary>
    /// Gets whether serializing registers the writer schema under its subject (the registry checks compatibility).
    /// When false the schema must already be registered and is looked up. The default is true.
    /// </summary>
    public bool AutoRegisterSchemas { get; init; } = true;

    /// <summary>
    /// Gets how many times a registry call that failed to reach the registry is retried before the record fails with
    /// <see cref="AvroFailure.RegistryUnavailable"/> (answers the registry gave, such as 404, are never retried). The default is 3.
    /// </summary>
    public int RegistryRetries { get; init; } = 3;

    /// <summary>Gets the delay before the first retry; each next retry waits twice as long. The default is 200 ms.</summary>
    public TimeSpan RegistryRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Gets the schema the values are read as (a generic serde's reader schema); null reads each record with its writer schema.</summary>
    internal Schema? ReaderSchema { get; init; }
}
