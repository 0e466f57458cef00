namespace ActorFlow.Scenarios;

/// <summary>Where in the job's life a kill lands.</summary>
internal enum KillPoint
{
    /// <summary>A random delay (0–1 s) while records are processed.</summary>
    Processing,

    /// <summary>A few milliseconds after a checkpoint was requested, before its record is durable.</summary>
    DuringCheckpoint,

    /// <summary>Right after a checkpoint record is durable, before its output is published and offsets committed.</summary>
    BetweenSnapshotAndCommit,
}

/// <summary>Waits for a kill point in the output of a job process started with <c>--verbose</c>.</summary>
internal static class KillPoints
{
    public static KillPoint ForKill(int kill) => (KillPoint)(kill % 3);

    /// <summary>
    /// Returns when <paramref name="point"/> is reached in <paramref name="runner"/> (the process that runs the jobs)
    /// and describes it. For <see cref="KillPoint.DuringCheckpoint"/> it retries on later checkpoints, with shorter
    /// delays, while the checkpoint completes before the delay ends.
    /// </summary>
    public static async Task<string> ReachAsync(JobProcess runner, KillPoint point, Random random)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        switch (point)
        {
            case KillPoint.Processing:
                var delay = random.Next(0, 1000);
                await Task.Delay(delay, timeout.Token);
                return $"while processing ({delay} ms after progress)";
            case KillPoint.DuringCheckpoint:
                for (var attempt = 0; ; attempt++)
                {
                    await runner.NextLine(l => l == "checkpoint requested").WaitAsync(timeout.Token);
                    var durable = runner.NextLine(l => l.EndsWith(" durable", StringComparison.Ordinal));
                    var wait = random.Next(0, Math.Max(2, 40 >> attempt));
                    await Task.Delay(wait, timeout.Token);
                    if (!durable.IsCompleted || attempt == 5)
                    {
                        return durable.IsCompleted
                            ? $"after a checkpoint completed ({wait} ms after its request; none was slow enough in {attempt + 1} tries)"
                            : $"during a checkpoint ({wait} ms after its request, its record not yet durable)";
                    }
                }

            default:
                var line = await runner.NextLine(l => l.EndsWith(" durable", StringComparison.Ordinal)).WaitAsync(timeout.Token);
                return $"between snapshot and commit (right after '{line}')";
        }
    }
}
