using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// A source that cannot connect fails its readiness, then the run it feeds. The start of a job must fail with the
/// source's reason even when the run's end is seen first: the run's completion runs its continuations inline, the
/// readiness (a Kafka consumer's) on the thread pool, so the run's end once won the race and the job "started" on an
/// unreachable broker (UnreachableBrokerSpec, now and then under load).
/// </summary>
public sealed class SourceReadinessSpec
{
    /// <summary>Verify that a source whose readiness failed fails the start although the run's end was seen first.</summary>
    [Fact]
    public async Task A_failed_readiness_must_fail_the_start_even_when_the_run_ended_first()
    {
        var unreachable = new InvalidOperationException("no broker of bootstrap.servers = '127.0.0.1:1' answered");
        for (var attempt = 0; attempt < 20; attempt++)
        {
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var run = new TaskCompletionSource();
            var control = new Control(ready.Task);
            var start = JobRunner.AwaitSourcesReadyAsync(control, run.Task);

            // As the consumer fails: its readiness first, then (through the stream) the run.
            ready.SetException(unreachable);
            run.SetException(new InvalidOperationException("the source stage failed"));

            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => start.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Same(unreachable, error);
            Assert.True(control.ShutDown, "the source was not shut down");
        }
    }

    /// <summary>Verify that a run that ends for another reason while its source is still connecting is left to the failover.</summary>
    [Fact]
    public async Task A_run_that_ends_while_its_source_connects_must_not_fail_the_start()
    {
        var ready = new TaskCompletionSource();
        var run = new TaskCompletionSource();
        var start = JobRunner.AwaitSourcesReadyAsync(new Control(ready.Task), run.Task);

        run.SetException(new InvalidOperationException("a sink failed"));

        await start.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private sealed class Control(Task ready) : ISourceControl
    {
        public bool ShutDown { get; private set; }

        public Task Ready => ready;

        public Task StopAsync() => Task.CompletedTask;

        public Task ShutdownAsync()
        {
            ShutDown = true;
            return Task.CompletedTask;
        }

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => Task.CompletedTask;
    }
}
