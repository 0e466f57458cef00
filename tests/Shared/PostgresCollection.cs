namespace ActorFlow.Tests.Shared;

/// <summary>
/// The xUnit collection whose classes share one <see cref="LocalPostgres"/> server; tests in it run one
/// class at a time. Use <c>[Collection(PostgresCollection.Name)]</c> and take <see cref="LocalPostgres"/> in the
/// constructor.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<LocalPostgres>
{
    /// <summary>The collection name.</summary>
    public const string Name = "PostgreSQL";
}
