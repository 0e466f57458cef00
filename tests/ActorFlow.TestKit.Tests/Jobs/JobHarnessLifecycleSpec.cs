namespace ActorFlow.TestKit.Tests.Jobs;

public sealed class JobHarnessLifecycleSpec
{
    /// <summary>Verify that disposing the harness terminates the node and deletes the temporary state directory.</summary>
    [Fact]
    public async Task Dispose_must_terminate_the_node_and_delete_the_state_directory()
    {
        var h = await JobHarness.StartAsync(new JobHarnessOptions { Topics = new Dictionary<string, int> { ["clicks"] = 1, ["counts"] = 1, ["dead"] = 1 } });
        await h.StartJobAsync(ClickJob.Build);
        var system = h.System;
        Assert.True(Directory.Exists(h.DataDirectory));

        await h.DisposeAsync();

        Assert.True(system.WhenTerminated.IsCompleted);
        Assert.False(Directory.Exists(h.DataDirectory));
    }

    /// <summary>Verify that using the job before it runs, restoring before a start and starting twice fail with a message saying what to do.</summary>
    [Fact]
    public async Task The_harness_must_refuse_steps_out_of_order()
    {
        await using var h = await JobHarness.StartAsync(new JobHarnessOptions { Topics = new Dictionary<string, int> { ["clicks"] = 1, ["counts"] = 1, ["dead"] = 1 } });

        Assert.Contains("StartJobAsync", Assert.Throws<InvalidOperationException>(() => h.Job).Message, StringComparison.Ordinal);
        Assert.Contains("StartJobAsync", (await Assert.ThrowsAsync<InvalidOperationException>(h.RestoreAsync)).Message, StringComparison.Ordinal);
        await h.StartJobAsync(ClickJob.Build);
        Assert.Contains("already runs", (await Assert.ThrowsAsync<InvalidOperationException>(() => h.StartJobAsync(ClickJob.Build))).Message, StringComparison.Ordinal);
        Assert.Contains("KillAsync", (await Assert.ThrowsAsync<InvalidOperationException>(h.RestoreAsync)).Message, StringComparison.Ordinal);
    }
}
