using System.Collections.Concurrent;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Config;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// A job asked to stop whose run fails on its way down (its database or broker is away, so a sink cannot finish) is
/// stopped all the same: <c>StopAsync</c> and <c>Completion</c> complete, and the last complete checkpoint stands for
/// the next start, as after any stop. Before, the stop threw the run's failure, and an application stopped by SIGTERM
/// during a database outage exited with that error instead of as stopped (found by an SRE's review).
/// </summary>
public sealed class FailureWhileStoppingSpec : IDisposable
{
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-failure-while-stopping");

    /// <summary>Verify that the stop completes, with a summary, though the sink fails when the stream ends.</summary>
    [Fact]
    public async Task A_run_that_fails_while_stopping_must_end_as_stopped()
    {
        var system = await ActorFlowCluster.StartNodeAsync("failure-while-stopping", StateStoreSettings.Sqlite(_data.Path));
        try
        {
            var seen = new ConcurrentQueue<long>();
            var builder = StreamJobBuilder.Create("failure-while-stopping");
            builder.FromSource("numbers", new OpenEndedNumbers(50), WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner((n, _) => n))
                .To(new FailingAtEndSink(seen));
            var job = await JobRunner.StartAsync(system, builder.Build(), new JobRunnerOptions { CheckpointInterval = null });
            await Poll.UntilAsync(() => Task.FromResult(seen.Count == 50), TimeSpan.FromSeconds(30));

            await job.StopAsync(TimeSpan.FromSeconds(30));

            var summary = await job.Completion.WaitAsync(TimeSpan.FromSeconds(5));
            Assert.False(summary.EndOfInput);
            Assert.Equal(0, job.Restarts);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    public void Dispose() => _data.Dispose();

    /// <summary>A sink whose stream ends in failure: it cannot flush what it holds (its system is away).</summary>
    private sealed class FailingAtEndSink(ConcurrentQueue<long> seen) : ISinkConnector<long>
    {
        public Sink<long, Task<Done>> Sink() => Akka.Streams.Dsl.Sink.ForEach<long>(seen.Enqueue)
            .MapMaterializedValue(done => done.ContinueWith(Task<Done> (_) => throw new IOException("the sink's system is away: nothing flushed"), TaskScheduler.Default).Unwrap());
    }
}
