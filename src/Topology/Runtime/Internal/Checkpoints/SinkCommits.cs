namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. Commits of several exactly-once sinks of one checkpoint.</summary>
internal static class SinkCommits
{
    /// <summary>
    /// Runs every commit, also after one failed: a sink that did not take its part of the checkpoint over kept it only in
    /// that checkpoint's record, which the next replaces as the latest. Then throws the failure (several: all of them).
    /// </summary>
    public static async Task AllAsync(IEnumerable<Func<Task>> commits)
    {
        List<Exception>? failures = null;
        foreach (var commit in commits)
        {
            try
            {
                await commit().ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                (failures ??= []).Add(e);
            }
        }

        if (failures is not null)
        {
            throw failures.Count == 1 ? failures[0] : new AggregateException(failures);
        }
    }
}
