using System.Collections.Immutable;
using System.Globalization;
using ActorFlow.Persistence.Checkpoints;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Savepoints: a savepoint is a complete checkpoint promoted to a name in the checkpoint store
/// (<see cref="ICheckpointStore.PromoteToSavepointAsync"/>), so it is exactly as consistent as a checkpoint and is
/// never pruned. Starting from a savepoint writes a new checkpoint record (the next free id) holding the savepoint's
/// offsets and naming its snapshots (<see cref="CheckpointRecord.StateCheckpointId"/>): from then on it is the job's
/// latest complete checkpoint, so every key group on every node, and a restart after a crash, restores it, and new
/// checkpoint ids never collide with older records. While the savepoint is the job's newest record, the start record
/// keeps its sink state: what its checkpoint's exactly-once sinks had to publish or commit (a savepoint promoted from
/// the newest checkpoint of a job that crashed before its commit, or whose commit failed, holds output nobody wrote yet)
/// is published or committed by the start, idempotently, as Flink's sinks commit the committables restored from a
/// savepoint; the sources resume after that output. Once a newer checkpoint exists, it named whatever of that output was
/// still pending (a newer record is stored only after the older epoch was published, and uncommitted files are carried
/// into every later record), so a start from an older savepoint (a rollback) takes none: its files may be gone since.
/// </summary>
internal static class Savepoints
{
    private const int MaxNameLength = 200;

    /// <summary>Triggers a checkpoint and promotes it to a savepoint named <paramref name="name"/>.</summary>
    public static async Task<CheckpointRecord> TakeAsync(CheckpointCoordinator checkpoints, string name)
    {
        await RefuseTakenAsync(checkpoints, name).ConfigureAwait(false);
        var store = checkpoints.Store;
        var job = checkpoints.JobName;
        // A checkpoint may be pruned (or promoted by a concurrent call) before it is promoted here: take another.
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var checkpoint = await checkpoints.RequestAsync().ConfigureAwait(false);
            if (await store.PromoteToSavepointAsync(job, checkpoint.CheckpointId, name).ConfigureAwait(false) is { } savepoint)
            {
                return savepoint;
            }
        }

        throw new InvalidOperationException($"Job '{job}': savepoint '{name}' could not be stored: three checkpoints in a row were pruned or promoted before it.");
    }

    /// <summary>Fails when <paramref name="name"/> is not a savepoint name or the job has a savepoint of that name.</summary>
    public static async Task RefuseTakenAsync(CheckpointCoordinator checkpoints, string name)
    {
        ValidateName(name);
        if (await checkpoints.Store.GetSavepointAsync(checkpoints.JobName, name).ConfigureAwait(false) is { } existing)
        {
            throw Duplicate(checkpoints.JobName, name, existing);
        }
    }

    /// <summary>
    /// Promotes a stop's final checkpoint (the job's newest, so no pruning took it) to a savepoint named <paramref name="name"/>.
    /// </summary>
    public static async Task<CheckpointRecord> PromoteFinalAsync(CheckpointCoordinator checkpoints, CheckpointRecord final, string name) =>
        await checkpoints.Store.PromoteToSavepointAsync(checkpoints.JobName, final.CheckpointId, name).ConfigureAwait(false)
        ?? throw new InvalidOperationException(string.Create(
            CultureInfo.InvariantCulture,
            $"Job '{checkpoints.JobName}': savepoint '{name}' could not be stored (checkpoint {final.CheckpointId} was pruned or promoted meanwhile); the job stopped at checkpoint {final.CheckpointId}, its latest, which a start resumes from."));

    /// <summary>
    /// When <see cref="JobRunnerOptions.FromSavepoint"/> is set, makes the savepoint the job's latest complete
    /// checkpoint (a new record with the next free id, the savepoint's offsets and snapshots).
    /// </summary>
    public static async Task StartFromSavepointAsync(ICheckpointStore store, string job, JobRunnerOptions options, int? keyGroupCount = null, JobGraph? plan = null)
    {
        if (options.FromSavepoint is not { } name)
        {
            return;
        }

        var savepoint = await RequireAsync(store, job, name).ConfigureAwait(false);
        RefuseOtherKeyGroupCount(job, savepoint, keyGroupCount); // before the start record makes it the latest
        if (plan is not null)
        {
            _ = KeyGroupsToRestore(job, savepoint, plan, options.AllowNonRestoredState); // likewise: a refused upgrade leaves the store as it was
        }

        var ids = await store.ListIdsAsync(job).ConfigureAwait(false);
        var state = savepoint.StateCheckpointId ?? savepoint.CheckpointId;
        var newest = ids.Count == 0 || ids[^1] <= savepoint.CheckpointId || await StartedFromAsync(store, job, ids[^1], savepoint, state).ConfigureAwait(false);
        var start = savepoint with
        {
            SinkTransactionIds = newest
                ? savepoint.SinkTransactionIds
                : savepoint.SinkTransactionIds.Where(e => e.Key == CheckpointCoordinator.KeyGroupCountKey).ToImmutableDictionary(),
            CheckpointId = ids.Count == 0 ? savepoint.CheckpointId + 1 : Math.Max(ids[^1], savepoint.CheckpointId) + 1,
            TimestampMs = options.Clock.GetUtcNow().ToUnixTimeMilliseconds(),
            IsSavepoint = false,
            SavepointName = null,
            StateCheckpointId = state,
            DurationMs = null, // no checkpoint was taken for it
        };
        await store.SaveAsync(start).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether record <paramref name="id"/> is an earlier start from the same savepoint that kept its sink state (a start
    /// while the savepoint was the newest record, which did not get to checkpoint). An earlier rollback start from it
    /// took none, and neither does this one.
    /// </summary>
    private static async Task<bool> StartedFromAsync(ICheckpointStore store, string job, long id, CheckpointRecord savepoint, long state)
    {
        try
        {
            return await store.GetAsync(job, id).ConfigureAwait(false) is { StateCheckpointId: { } restored } earlier
                && restored == state
                && earlier.SinkTransactionIds.Count == savepoint.SinkTransactionIds.Count
                && savepoint.SinkTransactionIds.All(e => earlier.SinkTransactionIds.TryGetValue(e.Key, out var v) && v == e.Value);
        }
        catch (CorruptCheckpointException)
        {
            return false;
        }
    }

    /// <summary>
    /// Fails when <paramref name="record"/> holds state in another number of key groups than the job has (as Flink
    /// refuses a restore with a changed max parallelism: most keys would hash away from their state).
    /// </summary>
    public static void RefuseOtherKeyGroupCount(string job, CheckpointRecord record, int? keyGroupCount)
    {
        if (keyGroupCount is { } count
            && record.SinkTransactionIds.TryGetValue(CheckpointCoordinator.KeyGroupCountKey, out var stored)
            && stored != count.ToString(CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException(
                $"Job '{job}' cannot restore checkpoint {record.CheckpointId}: its state is in {stored} key groups, but the job is built with {count} (StreamJobBuilder.WithMaxParallelism). The key-group count is fixed for the life of a job's state: build the job with WithMaxParallelism({stored}).");
        }
    }

    /// <summary>
    /// The key groups of <paramref name="record"/> that belong to a hop the job no longer has (its key groups are the
    /// entities <c>0 .. hops × count - 1</c>): refused naming the hops unless <paramref name="allowNonRestoredState"/>
    /// (Flink's allowNonRestoredState), when they are left out of the restore.
    /// </summary>
    /// <returns>The key groups to restore.</returns>
    public static IReadOnlyList<int> KeyGroupsToRestore(string job, CheckpointRecord record, JobGraph plan, bool allowNonRestoredState)
    {
        var all = record.KeyGroups.IsDefault ? [] : record.KeyGroups.Select(k => k.KeyGroup).ToList();
        var entities = plan.IsKeyed ? plan.Hops * plan.MaxParallelism : 0;
        var orphans = all.Where(kg => kg >= entities).ToList();
        if (orphans.Count == 0 || allowNonRestoredState)
        {
            return orphans.Count == 0 ? all : [.. all.Where(kg => kg < entities)];
        }

        var count = plan.MaxParallelism > 0 ? plan.MaxParallelism : 1;
        var hops = orphans.Select(kg => (kg / count) + 1).Distinct().Order().ToList();
        throw new InvalidOperationException(
            $"Job '{job}' cannot restore checkpoint {record.CheckpointId}: it holds keyed state of hop{(hops.Count == 1 ? "" : "s")} {string.Join(", ", hops)}, "
            + $"but the job has {(plan.IsKeyed ? plan.Hops.ToString(CultureInfo.InvariantCulture) : "no")} keyed hop{(plan.Hops == 1 ? "" : "s")} "
            + $"(keyed operators removed, or moved to earlier hops). Drop that state with JobRunnerOptions.AllowNonRestoredState, or keep the operators.");
    }

    /// <summary>The savepoint named <paramref name="name"/> of <paramref name="job"/>; fails listing the job's savepoints when absent.</summary>
    public static async Task<CheckpointRecord> RequireAsync(ICheckpointStore store, string job, string? name)
    {
        if (name is null)
        {
            return null!;
        }

        ValidateName(name);
        if (await store.GetSavepointAsync(job, name).ConfigureAwait(false) is { } savepoint)
        {
            return savepoint;
        }

        var names = (await store.ListAsync(job).ConfigureAwait(false)).Where(r => r.IsSavepoint).Select(r => $"'{r.SavepointName}'").ToList();
        throw new InvalidOperationException(names.Count == 0
            ? $"Job '{job}' has no savepoint named '{name}'; it has no savepoints."
            : $"Job '{job}' has no savepoint named '{name}'; its savepoints: {string.Join(", ", names)}.");
    }

    /// <summary>
    /// Per key group, the oldest snapshot any stored record (checkpoint or savepoint) still names: snapshots below it
    /// may be deleted.
    /// </summary>
    public static IEnumerable<KeyGroupSnapshotInfo> OldestSnapshotsKept(IReadOnlyList<CheckpointRecord> records) =>
        records.Where(r => !r.KeyGroups.IsDefault)
            .SelectMany(r => r.KeyGroups)
            .GroupBy(k => k.KeyGroup)
            .Select(g => g.MinBy(k => k.SnapshotSequenceNr)!);

    /// <summary>Names are 1 to 200 characters without white space or control characters.</summary>
    public static void ValidateName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxNameLength || name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"Invalid savepoint name '{name}': use 1 to {MaxNameLength} characters without white space or control characters."),
                nameof(name));
        }
    }

    private static InvalidOperationException Duplicate(string job, string name, CheckpointRecord existing) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Job '{job}' already has a savepoint named '{name}' (checkpoint {existing.CheckpointId}); delete it first or choose another name."));
}
