using System.Collections.Concurrent;
using ActorFlow.Operators.Watermarks;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Runtime;

/// <summary>
/// A sink whose stage fails fails the run over to its last complete checkpoint, as <see cref="ISinkConnector{T}"/>
/// promises. Only a two-phase-commit sink's failure was watched while the job ran: a failed plain sink lost every
/// record after its failure while checkpoints covered them, and a failed exactly-once (write-ahead) sink stalled every
/// checkpoint after it without a failover (found by a differential test under injected failures).
/// </summary>
public sealed class FailingSinkSpec : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(30);
    private static readonly JobRunnerOptions Options = new()
    {
        CheckpointInterval = TimeSpan.FromMilliseconds(100),
        RestartStrategy = RestartStrategy.FixedDelay(3, TimeSpan.FromMilliseconds(100)),
    };

    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-failing-sink");
    private readonly PushSource _source = new();

    /// <summary>Verify a plain sink that throws on its second record: the job fails over and the sink gets x1..x5 (at least once).</summary>
    [Fact]
    public async Task A_plain_sink_that_fails_must_fail_the_run_over()
    {
        var plain = new ConcurrentQueue<string>();
        var exactlyOnce = new ListCheckpointedSink();
        await OnNodeAsync(async system =>
        {
            var builder = StreamJobBuilder.Create("failing-plain-sink");
            var stream = builder.FromSource("push", _source, WatermarkStrategy<string>.NoWatermarks());
            stream.To(new ThrowingOnceSink(plain, throwAt: 2));
            stream.To(exactlyOnce);
            var job = await JobRunner.StartAsync(system, builder.Build(), Options);
            Push(5);

            await Poll.UntilAsync(() => Task.FromResult(plain.Distinct().Count() == 5), Prompt);
            Assert.True(job.Restarts >= 1);
            await Poll.UntilAsync(() => Task.FromResult(exactlyOnce.Published.Count == 5), Prompt);
            await job.StopAsync(Prompt);
        });

        Assert.Equal(["x1", "x2", "x3", "x4", "x5"], exactlyOnce.Published);
    }

    /// <summary>Verify an exactly-once sink whose encoding throws once: the job fails over and publishes x1..x5 once each.</summary>
    [Fact]
    public async Task An_exactly_once_sink_that_fails_must_fail_the_run_over()
    {
        var exactlyOnce = new ListCheckpointedSink { ThrowAtEncode = 2 };
        await OnNodeAsync(async system =>
        {
            var builder = StreamJobBuilder.Create("failing-exactly-once-sink");
            builder.FromSource("push", _source, WatermarkStrategy<string>.NoWatermarks()).To(exactlyOnce);
            var job = await JobRunner.StartAsync(system, builder.Build(), Options);
            Push(5);

            await Poll.UntilAsync(() => Task.FromResult(exactlyOnce.Published.Count >= 5), Prompt);
            Assert.True(job.Restarts >= 1);
            await job.StopAsync(Prompt);
        });

        Assert.Equal(["x1", "x2", "x3", "x4", "x5"], exactlyOnce.Published);
    }

    public void Dispose() => _data.Dispose();

    private void Push(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            _source.Push("x" + i);
        }
    }

    private Task OnNodeAsync(Func<Akka.Actor.ActorSystem, Task> body) => SqliteNode.RunAsync("failing-sink", _data.Path, body);

    /// <summary>A plain in-memory sink whose <paramref name="throwAt"/>-th record (counted over its runs) throws, once.</summary>
    private sealed class ThrowingOnceSink(ConcurrentQueue<string> queue, int throwAt) : ISinkConnector<string>
    {
        private int _count;

        public Sink<string, Task<Done>> Sink() => Akka.Streams.Dsl.Sink.ForEach<string>(s =>
        {
            if (Interlocked.Increment(ref _count) == throwAt)
            {
                throw new IOException("the sink's system is unavailable (injected, once)");
            }

            queue.Enqueue(s);
        });
    }
}
