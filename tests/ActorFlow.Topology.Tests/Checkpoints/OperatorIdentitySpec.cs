using System.Collections.Concurrent;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.Bounded;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// A new version of a job restores each keyed operator's state by the operator's name within its hop, as Flink matches
/// state by uid: an operator added beside another starts empty while the other keeps its state; state of an operator
/// the new version lacks (removed, renamed, or its hop gone) fails the start naming it, unless
/// <c>AllowNonRestoredState</c> drops it. Before (found by a review of job upgrades): a hop's only operator was stored
/// without its name, so adding a second one was refused, the refusal (and any state the operators could not read)
/// made its key groups restart without end, and the start waited a checkpoint timeout and failed over with only an
/// ask timeout to show.
/// </summary>
public sealed class OperatorIdentitySpec : IDisposable
{
    private static readonly ValueStateDescriptor<long> Seen = new("seen");
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-operator-identity");

    /// <summary>Verify that "count" keeps counting after "total" is added beside it, and "total" starts empty.</summary>
    [Fact]
    public async Task An_operator_added_to_a_hop_must_start_empty_beside_the_restored_one()
    {
        var input = BoundedJobs.Clicks(400, 2);
        await OnNodeAsync(async system =>
        {
            var v1 = await JobRunner.StartAsync(system, Job("identity-add", First(input, 100), new ConcurrentQueue<string>(), "count"));
            await v1.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        });

        var second = new ConcurrentQueue<string>();
        await OnNodeAsync(async system =>
        {
            var v2 = await JobRunner.StartAsync(system, Job("identity-add", [.. input], second, "count", "total"));
            await v2.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        });

        var perUser = input.SelectMany(p => p).GroupBy(c => c.Value.User).ToDictionary(g => g.Key, g => (long)g.Count());
        var v1PerUser = First(input, 100).SelectMany(p => p).GroupBy(c => c.Value.User).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(perUser.Keys.Order(StringComparer.Ordinal).Select(u => $"count|{u}|{perUser[u]}"), Last(second, "count"));
        Assert.Equal(perUser.Keys.Order(StringComparer.Ordinal).Select(u => $"total|{u}|{perUser[u] - v1PerUser[u]}"), Last(second, "total"));
    }

    /// <summary>
    /// Verify that a renamed operator fails the start at once naming the old name and the option, and that with
    /// <c>AllowNonRestoredState</c> the job starts, the renamed operator empty.
    /// </summary>
    [Fact]
    public async Task State_of_an_operator_the_job_lacks_must_be_refused_unless_dropped()
    {
        var input = BoundedJobs.Clicks(400, 2);
        await OnNodeAsync(async system =>
        {
            var v1 = await JobRunner.StartAsync(system, Job("identity-rename", First(input, 100), new ConcurrentQueue<string>(), "count"));
            await v1.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        });

        await OnNodeAsync(async system =>
        {
            var refused = await Assert.ThrowsAsync<RecoveryFailedException>(() =>
                JobRunner.StartAsync(system, Job("identity-rename", [.. input], new ConcurrentQueue<string>(), "tally"), new JobRunnerOptions { CheckpointTimeout = TimeSpan.FromSeconds(30) }).WaitAsync(TimeSpan.FromSeconds(20)));
            Assert.Contains("operator 'count'", refused.Message, StringComparison.Ordinal);
            Assert.Contains("AllowNonRestoredState", refused.Message, StringComparison.Ordinal);
        });

        var output = new ConcurrentQueue<string>();
        await OnNodeAsync(async system =>
        {
            var v2 = await JobRunner.StartAsync(system, Job("identity-rename", [.. input], output, "tally"), new JobRunnerOptions { AllowNonRestoredState = true });
            await v2.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        });

        Assert.Equal(200, Last(output, "tally").Sum(l => long.Parse(l[(l.LastIndexOf('|') + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Verify that the keyed state of a hop the new version lacks fails the start naming the hop, unless dropped.</summary>
    [Fact]
    public async Task State_of_a_hop_the_job_lacks_must_be_refused_unless_dropped()
    {
        var input = BoundedJobs.Clicks(400, 2);
        await OnNodeAsync(async system =>
        {
            var builder = StreamJobBuilder.Create("identity-hop");
            builder.FromSource("clicks", new BoundedListSource<Click>(First(input, 100)), BoundedJobs.Watermarks)
                .KeyBy(c => c.User).Process("count", () => KeyedProcessOperators.Create(new RunningCount<Click>("count")))
                .KeyBy(s => s).Process("echo", () => KeyedProcessOperators.Create(new RunningCount<string>("echo")))
                .To(new QueueSink<string>(new ConcurrentQueue<string>()));
            var v1 = await JobRunner.StartAsync(system, builder.Build());
            await v1.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        });

        await OnNodeAsync(async system =>
        {
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => JobRunner.StartAsync(system, Job("identity-hop", [.. input], new ConcurrentQueue<string>(), "count")));
            Assert.Contains("hop 2", refused.Message, StringComparison.Ordinal);
            Assert.Contains("AllowNonRestoredState", refused.Message, StringComparison.Ordinal);
        });

        var output = new ConcurrentQueue<string>();
        await OnNodeAsync(async system =>
        {
            var v2 = await JobRunner.StartAsync(system, Job("identity-hop", [.. input], output, "count"), new JobRunnerOptions { AllowNonRestoredState = true });
            await v2.Completion.WaitAsync(TimeSpan.FromSeconds(60));
        });

        var perUser = input.SelectMany(p => p).GroupBy(c => c.Value.User).ToDictionary(g => g.Key, g => (long)g.Count());
        Assert.Equal(perUser.Keys.Order(StringComparer.Ordinal).Select(u => $"count|{u}|{perUser[u]}"), Last(output, "count"));
    }

    public void Dispose() => _data.Dispose();

    /// <summary>Runs <paramref name="body"/> on a node of its own over the test's state: each version of the job is deployed anew, as an upgrade is.</summary>
    private Task OnNodeAsync(Func<Akka.Actor.ActorSystem, Task> body) => SqliteNode.RunAsync("operator-identity", _data.Path, body);

    /// <summary>The first <paramref name="perPartition"/> clicks of each partition: v1's input (v2 reads on from there).</summary>
    private static List<List<(Click Value, long Time)>> First(List<List<(Click Value, long Time)>> input, int perPartition) =>
        [.. input.Select(p => p.Take(perPartition).ToList())];

    /// <summary>Each key's last "name|key|n" line of <paramref name="name"/>, ordered by key.</summary>
    private static List<string> Last(ConcurrentQueue<string> output, string name) =>
        [.. output.Where(l => l.StartsWith(name + "|", StringComparison.Ordinal))
            .GroupBy(l => l.Split('|')[1])
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.MaxBy(l => long.Parse(l.Split('|')[2], System.Globalization.CultureInfo.InvariantCulture))!)];

    private static StreamJob Job(string name, List<List<(Click Value, long Time)>> input, ConcurrentQueue<string> output, params string[] operators)
    {
        var builder = StreamJobBuilder.Create(name);
        var keyed = builder.FromSource("clicks", new BoundedListSource<Click>(input), BoundedJobs.Watermarks).KeyBy(c => c.User);
        foreach (var op in operators)
        {
            keyed.Process(op, () => KeyedProcessOperators.Create(new RunningCount<Click>(op))).To(new QueueSink<string>(output));
        }

        return builder.Build();
    }

    /// <summary>Counts each key's records in keyed state: "name|key|count" per record.</summary>
    private sealed class RunningCount<TIn>(string name) : KeyedProcessFunction<string, TIn, string>
    {
        public override void ProcessElement(TIn value, Context context, ICollector<string> output)
        {
            var seen = context.State.GetState(Seen);
            var count = (seen.HasValue ? seen.Value : 0) + 1;
            seen.Update(count);
            output.Collect($"{name}|{context.CurrentKey}|{count}");
        }
    }
}
