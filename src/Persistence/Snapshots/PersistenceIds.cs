using System.Globalization;

namespace ActorFlow.Persistence.Snapshots;

/// <summary>INTERNAL API. Akka persistence ids of ActorFlow's persistent actors. Stable: changing them orphans stored state.</summary>
internal static class PersistenceIds
{
    /// <summary>The persistence id of a key group of a job: <c>actorflow/{jobId}/kg/{keyGroup}</c>.</summary>
    /// <param name="jobId">The job id.</param>
    /// <param name="keyGroup">The key group index.</param>
    /// <returns>The persistence id.</returns>
    public static string KeyGroup(string jobId, int keyGroup)
    {
        ArgumentException.ThrowIfNullOrEmpty(jobId);
        ArgumentOutOfRangeException.ThrowIfNegative(keyGroup);
        return string.Create(CultureInfo.InvariantCulture, $"actorflow/{jobId}/kg/{keyGroup}");
    }
}
