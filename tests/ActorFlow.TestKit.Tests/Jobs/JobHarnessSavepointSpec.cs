namespace ActorFlow.TestKit.Tests.Jobs;

/// <summary>
/// The job harness stops a job with a savepoint (Flink's stop-with-savepoint): the exactly-once output up to it is
/// published at once (a plain <c>StopJobAsync</c>, as Flink's cancel, left it unpublished until the job ran again: found
/// by a review porting Flink job tests), and the restored job goes on from it without repeating any of it.
/// </summary>
public sealed class JobHarnessSavepointSpec
{
    /// <summary>Verify the savepoint publishes the counts so far, and the job restored from it counts the rest once.</summary>
    [Fact]
    public async Task Stop_with_savepoint_must_publish_the_output_and_resume_from_it()
    {
        await using var h = await JobHarness.StartAsync(new JobHarnessOptions { Topics = new Dictionary<string, int> { ["clicks"] = 1, ["counts"] = 1, ["dead"] = 1 } });
        var clicks = h.Topic("clicks", ClickJob.KeyedFormat);
        var counts = h.Topic("counts", TopicFormat.Utf8);
        await h.StartJobAsync(ClickJob.Build, new Topology.Runtime.JobRunnerOptions { CheckpointInterval = null });
        clicks.Produce([new("ann", ClickJob.Base + 100), new("ann", ClickJob.Base + 2_100)]); // the second moves the watermark past the first second
        await Poll.UntilAsync(() => Task.FromResult(h.Job.CurrentWatermark >= ClickJob.Base + 1_000), TimeSpan.FromSeconds(60), "the watermark past the first second");

        var savepoint = await h.StopJobWithSavepointAsync("before-upgrade");

        Assert.Equal("before-upgrade", savepoint.SavepointName);
        Assert.Equal([$"ann|{ClickJob.Base}|1"], counts.ReadToEnd()); // published by the stop, no checkpoint taken after it
        await h.RestoreAsync();
        clicks.Produce([new("ann", ClickJob.Base + 4_100)]);
        await Poll.UntilAsync(
            async () =>
            {
                await h.CheckpointAsync();
                return counts.ReadToEnd().Count >= 2;
            },
            TimeSpan.FromSeconds(60),
            "the second count");
        OutputAssert.Ordered([$"ann|{ClickJob.Base}|1", $"ann|{ClickJob.Base + 2_000}|1"], counts.ReadToEnd());
    }
}
