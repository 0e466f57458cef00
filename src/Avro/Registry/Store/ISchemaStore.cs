namespace ActorFlow.Avro.Registry.Store;

/// <summary>One version of a subject: its number, the id of its schema and whether it is soft-deleted.</summary>
/// <param name="Subject">The subject.</param>
/// <param name="Version">The version number (1 and up, never reused while the row exists).</param>
/// <param name="SchemaId">The id of the schema.</param>
/// <param name="Deleted">Whether the version is soft-deleted.</param>
public sealed record SubjectVersion(string Subject, int Version, int SchemaId, bool Deleted);

/// <summary>
/// Where an embedded schema registry keeps its schemas, subjects and configuration (the job's SQL store, not a
/// Kafka topic). Implementations are used by one registry process at a time; the registry serialises writes.
/// </summary>
public interface ISchemaStore : IAsyncDisposable
{
    /// <summary>Creates the tables when they do not exist.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task completing when the store is ready.</returns>
    Task InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Returns the id of the schema whose canonical text is <paramref name="canonical"/>, adding it when new.</summary>
    /// <param name="schema">The schema text to keep (the registry passes the canonical text; rows written by earlier versions hold the text as registered).</param>
    /// <param name="canonical">The text identifying the schema (the same schema under another subject gets the same id).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The schema id.</returns>
    Task<int> GetOrAddSchemaAsync(string schema, string canonical, CancellationToken cancellationToken = default);

    /// <summary>Finds the id of a schema by its canonical text.</summary>
    /// <param name="canonical">The canonical text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The id, or null.</returns>
    Task<int?> FindSchemaIdAsync(string canonical, CancellationToken cancellationToken = default);

    /// <summary>Gets a schema's text by id.</summary>
    /// <param name="id">The schema id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The text, or null when the id is unknown.</returns>
    Task<string?> GetSchemaAsync(int id, CancellationToken cancellationToken = default);

    /// <summary>Lists the versions of every subject (or of <paramref name="subject"/>), soft-deleted ones included, by subject and version.</summary>
    /// <param name="subject">The subject, or null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The versions.</returns>
    Task<IReadOnlyList<SubjectVersion>> GetVersionsAsync(string? subject, CancellationToken cancellationToken = default);

    /// <summary>Lists the subject versions that use schema <paramref name="schemaId"/>.</summary>
    /// <param name="schemaId">The schema id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The versions.</returns>
    Task<IReadOnlyList<SubjectVersion>> GetVersionsOfSchemaAsync(int schemaId, CancellationToken cancellationToken = default);

    /// <summary>Adds <paramref name="version"/> of <paramref name="subject"/> pointing at <paramref name="schemaId"/>.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="version">The new version number.</param>
    /// <param name="schemaId">The schema id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task completing when stored.</returns>
    Task AddVersionAsync(string subject, int version, int schemaId, CancellationToken cancellationToken = default);

    /// <summary>Marks a version soft-deleted (or live again with <paramref name="deleted"/> false).</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="version">The version.</param>
    /// <param name="deleted">Whether it is deleted.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task completing when stored.</returns>
    Task SetDeletedAsync(string subject, int version, bool deleted, CancellationToken cancellationToken = default);

    /// <summary>Removes a version for good.</summary>
    /// <param name="subject">The subject.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task completing when removed.</returns>
    Task RemoveVersionAsync(string subject, int version, CancellationToken cancellationToken = default);

    /// <summary>Gets the compatibility level configured for <paramref name="subject"/> (null: the global one).</summary>
    /// <param name="subject">The subject, or null for the global setting.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The level's name (e.g. <c>BACKWARD</c>), or null when none is set.</returns>
    Task<string?> GetCompatibilityAsync(string? subject, CancellationToken cancellationToken = default);

    /// <summary>Sets (or with null removes) the compatibility level of <paramref name="subject"/> (null: the global one).</summary>
    /// <param name="subject">The subject, or null for the global setting.</param>
    /// <param name="level">The level's name, or null to remove the setting.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task completing when stored.</returns>
    Task SetCompatibilityAsync(string? subject, string? level, CancellationToken cancellationToken = default);

    /// <summary>Gets the <c>normalize</c> setting of <paramref name="subject"/> (null: the global one).</summary>
    /// <param name="subject">The subject, or null for the global setting.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The setting, or null when none is set.</returns>
    Task<bool?> GetNormalizeAsync(string? subject, CancellationToken cancellationToken = default) => Task.FromResult<bool?>(null);

    /// <summary>Sets (or with null removes) the <c>normalize</c> setting of <paramref name="subject"/> (null: the global one).</summary>
    /// <param name="subject">The subject, or null for the global setting.</param>
    /// <param name="normalize">The setting, or null to remove it.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task completing when stored.</returns>
    /// <exception cref="NotSupportedException">A setting given to a store that keeps none (the default of stores written
    /// before it; removing one, with null, does nothing there).</exception>
    Task SetNormalizeAsync(string? subject, bool? normalize, CancellationToken cancellationToken = default) =>
        normalize is null ? Task.CompletedTask : throw new NotSupportedException($"{GetType().Name} keeps no normalize setting.");
}
