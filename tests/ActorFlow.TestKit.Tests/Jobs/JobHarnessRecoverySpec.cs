using ActorFlow.Topology.Runtime;

namespace ActorFlow.TestKit.Tests.Jobs;

public sealed class JobHarnessRecoverySpec
{
    /// <summary>
    /// Verify that a job killed after a checkpoint and restored by the harness from its store ends with exactly the
    /// output of a failure-free run (exactly-once sink: nothing missing, nothing twice), and that an undecodable
    /// record is read back as a dead letter.
    /// </summary>
    [Fact]
    public async Task A_killed_and_restored_job_must_write_every_window_exactly_once()
    {
        await using var h = await JobHarness.StartAsync(new JobHarnessOptions
        {
            Topics = new Dictionary<string, int> { ["clicks"] = 4, ["counts"] = 1, ["dead"] = 1 },
        });
        var clicks = h.Topic("clicks", ClickJob.KeyedFormat);
        var counts = h.Topic("counts", TopicFormat.Utf8);
        var input = ClickJob.Clicks(2000, seed: 3);

        clicks.Produce(input.Take(1000));
        clicks.ProduceRaw("user-1"u8.ToArray(), "not-a-time"u8.ToArray());
        await h.StartJobAsync(ClickJob.Build, new JobRunnerOptions { CheckpointInterval = null });
        await Poll.UntilAsync(() => h.Job.CurrentWatermark > ClickJob.Base + 3_000, TimeSpan.FromSeconds(60), "the job to read the first half");
        var checkpoint = await h.CheckpointAsync();
        Assert.True(checkpoint.Offsets.Sum(o => o.Offset) > 0);
        await h.KillAsync();

        await h.RestoreAsync();
        clicks.Produce(input.Skip(1000));
        clicks.ProduceToEveryPartition(new Click("zz-end", ClickJob.Base + 10_000_000));
        var expected = ClickJob.Counts(input);
        await Poll.UntilAsync(
            async () =>
            {
                await h.CheckpointAsync(); // the exactly-once sink publishes what a complete checkpoint holds
                return counts.ReadToEnd().Count >= expected.Count;
            },
            TimeSpan.FromSeconds(90),
            () => $"{expected.Count} counts (have {counts.ReadToEnd().Count})");
        await h.StopJobAsync();

        OutputAssert.Equivalent(expected, counts.ReadToEnd());
        var dead = Assert.Single(h.ReadDeadLetters("dead"));
        Assert.Equal("not-a-time"u8.ToArray(), dead.Value);
        Assert.StartsWith("clicks/", dead.Origin, StringComparison.Ordinal);
    }
}
