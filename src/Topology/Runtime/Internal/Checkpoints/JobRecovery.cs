using ActorFlow.Persistence.Checkpoints;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Finds the checkpoint a job restores from and checks, before the job processes anything, that every
/// key group of it restored: a key group that cannot restore its snapshot stops itself (so its batches would only
/// time out); here it reports the error at once and the start fails with <see cref="RecoveryFailedException"/>
/// naming the checkpoint, the key group and the earlier complete checkpoints to restore instead.
/// </summary>
internal static class JobRecovery
{
    /// <summary>
    /// The checkpoint to restore: <see cref="JobRunnerOptions.RestoreCheckpointId"/> when set, else the latest one
    /// (or <c>null</c>). A corrupt or absent record fails with <see cref="RecoveryFailedException"/>.
    /// </summary>
    public static async Task<CheckpointRecord?> FindRestorePointAsync(ICheckpointStore store, string job, JobRunnerOptions options)
    {
        try
        {
            if (options.RestoreCheckpointId is not { } id)
            {
                return await store.LoadLatestAsync(job).ConfigureAwait(false);
            }

            return await store.GetAsync(job, id).ConfigureAwait(false)
                ?? throw new RecoveryFailedException(job, id, null, await EarlierAsync(store, job, id).ConfigureAwait(false), "there is no such checkpoint.");
        }
        catch (CorruptCheckpointException e)
        {
            throw new RecoveryFailedException(job, e.CheckpointId, null, await EarlierAsync(store, job, e.CheckpointId).ConfigureAwait(false), "its checkpoint record is unreadable: " + e.Message, e);
        }
    }

    /// <summary>
    /// Starts <paramref name="keyGroups"/> of <paramref name="restoreFrom"/> and waits until each has restored, on any node (at most
    /// the checkpoint timeout, or one ask timeout on a cluster of several nodes, where a key group on another node that
    /// cannot restore is not reported here); fails fast with <see cref="RecoveryFailedException"/> when one on this
    /// node cannot restore, after stopping the job's shard region.
    /// </summary>
    public static async Task AwaitKeyGroupsAsync(ActorSystem system, IActorRef region, string job, CheckpointRecord restoreFrom, IReadOnlyList<int> keyGroups, ICheckpointStore store, JobRunnerOptions options)
    {
        if (keyGroups.Count == 0)
        {
            return;
        }

        var monitor = RecoveryMonitor.Get(system);
        var watch = monitor.Watch(job, keyGroups);
        try
        {
            var single = ActorFlowCluster.UpMembers(system) <= 1;
            var bound = single ? options.CheckpointTimeout : options.AskTimeout;
            foreach (var kg in keyGroups)
            {
                // Starts the entity (and so its recovery) on whichever node it lands; it answers once restored. A key
                // group that cannot restore stops unanswered: this node's report it through the monitor at once.
                _ = region.Ask<KeyGroupRestored>(new AwaitRestore(job, kg), bound).ContinueWith(
                    (answer, state) =>
                    {
                        if (answer.IsCompletedSuccessfully)
                        {
                            ((RecoveryMonitor.Watcher)state!).Restored(answer.Result.KeyGroup);
                        }
                    },
                    watch,
                    CancellationToken.None,
                    TaskContinuationOptions.ExecuteSynchronously,
                    TaskScheduler.Default);
            }

            var first = await Task.WhenAny(watch.AllRestored, watch.FirstFailure, Task.Delay(bound)).ConfigureAwait(false);
            if (first == watch.FirstFailure)
            {
                var error = await watch.FirstFailure.ConfigureAwait(false);
                try
                {
                    await region.GracefulStop(TimeSpan.FromSeconds(10), GracefulShutdown.Instance).ConfigureAwait(false);
                }
                catch (TaskCanceledException)
                {
                    // Best effort: the region is only stopped so that a retry in this actor system starts fresh key groups.
                }

                throw new RecoveryFailedException(
                    job,
                    error.CheckpointId,
                    error.KeyGroup,
                    await EarlierAsync(store, job, error.CheckpointId).ConfigureAwait(false),
                    error.Message,
                    error);
            }

            if (first != watch.AllRestored)
            {
                Logging.GetLogger(system, "ActorFlow.JobRunner").Warning(
                    "Job {0}: {1} key groups did not report their restore within {2} (slow, or failed on another node); starting anyway", job, watch.Pending, bound);
            }
        }
        finally
        {
            monitor.Unwatch(job, watch);
        }
    }

    /// <summary>The readable complete checkpoints (and savepoints) of <paramref name="job"/> older than <paramref name="before"/>, newest first.</summary>
    public static async Task<IReadOnlyList<long>> EarlierAsync(ICheckpointStore store, string job, long before)
    {
        var earlier = new List<long>();
        try
        {
            foreach (var id in (await store.ListIdsAsync(job).ConfigureAwait(false)).Where(i => i < before).OrderDescending())
            {
                try
                {
                    if (await store.GetAsync(job, id).ConfigureAwait(false) is not null)
                    {
                        earlier.Add(id);
                    }
                }
                catch (CorruptCheckpointException)
                {
                    // Not a candidate.
                }
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.Data.Common.DbException)
        {
            // The store cannot be listed: offer nothing rather than hide the original error.
        }

        return earlier;
    }
}
