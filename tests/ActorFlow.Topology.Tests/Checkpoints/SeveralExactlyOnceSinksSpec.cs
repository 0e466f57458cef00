using ActorFlow.Operators.Watermarks;
using ActorFlow.TestKit;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// With several exactly-once sinks, one whose publication of a checkpoint fails does not cost the others their output of
/// that checkpoint. The sinks took their epochs over one after another and stopped at the first failure: the later ones
/// kept theirs only in that checkpoint's record, which the next checkpoint's replaced as the latest, so it was never
/// published; a two-phase-commit sink's files of it were never committed and the next run's recovery removed them (found
/// by a differential test under injected failures).
/// </summary>
public sealed class SeveralExactlyOnceSinksSpec : IDisposable
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(30);
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-several-exactly-once");
    private readonly PushSource _source = new();

    /// <summary>Verify two write-ahead sinks, the first failing its first publication: both hold x1 and x2 once, also after a restart.</summary>
    [Fact]
    public async Task A_failed_publication_must_not_cost_the_next_write_ahead_sink_its_epoch()
    {
        var first = new ListCheckpointedSink { FailFirstPublication = true };
        var second = new ListCheckpointedSink();
        await RunTwiceAsync([first, second], () => first.Encoded, () => second.Encoded);

        Assert.Equal(["x1", "x2"], first.Published);
        Assert.Equal(["x1", "x2"], second.Published);
    }

    /// <summary>Verify a two-phase-commit sink beside a write-ahead sink that fails its first publication: its files of that checkpoint are committed.</summary>
    [Fact]
    public async Task A_failed_publication_must_not_cost_a_two_phase_commit_sink_its_files()
    {
        var writeAhead = new ListCheckpointedSink { FailFirstPublication = true };
        var files = new MemoryTwoPhaseSink();
        await RunTwiceAsync([writeAhead, files], () => writeAhead.Encoded, () => files.Written);

        Assert.Equal(["x1", "x2"], writeAhead.Published);
        Assert.Equal(["x1", "x2"], files.Committed);
        Assert.Empty(files.PendingNames);
    }

    public void Dispose() => _data.Dispose();

    /// <summary>
    /// Run 1: x1, a checkpoint (the first sink's publication fails), x2, two checkpoints, a stop. Run 2 (a new node):
    /// one checkpoint. Each sink's count must reach the records pushed before each checkpoint.
    /// </summary>
    private async Task RunTwiceAsync(ISinkConnector<string>[] sinks, Func<int> firstCount, Func<int> secondCount)
    {
        await OnNodeAsync(async system =>
        {
            var job = await JobRunner.StartAsync(system, Build(sinks), new JobRunnerOptions { CheckpointInterval = null });
            _source.Push("x1");
            await Poll.UntilAsync(() => Task.FromResult(firstCount() >= 1 && secondCount() >= 1), Prompt);
            await job.CheckpointAsync();
            _source.Push("x2");
            await Poll.UntilAsync(() => Task.FromResult(firstCount() >= 2 && secondCount() >= 2), Prompt);
            await job.CheckpointAsync();
            await job.CheckpointAsync();
            await job.StopAsync(Prompt);
        });

        await OnNodeAsync(async system =>
        {
            var job = await JobRunner.StartAsync(system, Build(sinks), new JobRunnerOptions { CheckpointInterval = null });
            await job.CheckpointAsync();
            await job.StopAsync(Prompt);
        });
    }

    private Task OnNodeAsync(Func<Akka.Actor.ActorSystem, Task> body) => SqliteNode.RunAsync("several-exactly-once", _data.Path, body);

    private StreamJob Build(ISinkConnector<string>[] sinks)
    {
        var builder = StreamJobBuilder.Create("several-exactly-once");
        var stream = builder.FromSource("push", _source, WatermarkStrategy<string>.NoWatermarks());
        foreach (var sink in sinks)
        {
            stream.To(sink);
        }

        return builder.Build();
    }
}
