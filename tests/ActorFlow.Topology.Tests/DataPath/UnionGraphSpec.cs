using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;

namespace ActorFlow.Topology.Tests.DataPath;

/// <summary>
/// Unit specs of <see cref="UnionGraph.Build{T}"/>. The watermark specs drive each input with a publisher probe and take
/// each output before sending the next chunk, so the order in which the union sees the chunks is the order sent.
/// </summary>
public sealed class UnionGraphSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly ActorMaterializer _materializer;

    public UnionGraphSpec() => _materializer = Sys.Materializer();

    /// <summary>Verify that each output chunk carries the minimum of the latest watermarks of all inputs.</summary>
    [Fact]
    public async Task A_UnionGraph_must_stamp_each_chunk_with_the_minimum_of_the_inputs_latest_watermarks()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var (_, inputs, output) = RunWithProbes(2);
            var watermarks = new List<long>();
            foreach (var (input, watermark) in new[] { (0, 1_000L), (1, 3_000L), (0, 5_000L), (1, 4_000L) })
            {
                await inputs[input].SendNextAsync(Chunk("in-" + input, watermark, 1));
                watermarks.Add((await output.RequestNextAsync()).Watermark);
            }

            Assert.Equal([long.MinValue, 1_000L, 3_000L, 4_000L], watermarks);
            await CompleteAsync(inputs, output);
        }, _materializer);
    }

    /// <summary>Verify that an input that has reported nothing holds the union's watermark at long.MinValue.</summary>
    [Fact]
    public async Task A_UnionGraph_must_hold_the_watermark_at_MinValue_while_an_input_has_reported_nothing()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var (_, inputs, output) = RunWithProbes(3);
            var watermarks = new List<long>();
            foreach (var (input, watermark) in new[] { (0, 1_000L), (1, 2_000L), (0, 9_000L), (1, 9_000L) })
            {
                await inputs[input].SendNextAsync(Chunk("in-" + input, watermark, 1));
                watermarks.Add((await output.RequestNextAsync()).Watermark);
            }

            Assert.Equal([long.MinValue, long.MinValue, long.MinValue, long.MinValue], watermarks);
            await CompleteAsync(inputs, output);
        }, _materializer);
    }

    /// <summary>Verify that an input whose later chunk carries a lower watermark does not move the union's watermark backwards.</summary>
    [Fact]
    public async Task A_UnionGraph_must_never_move_the_watermark_backwards()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var (_, inputs, output) = RunWithProbes(2);
            var watermarks = new List<long>();
            foreach (var (input, watermark) in new[] { (0, 5_000L), (1, 6_000L), (0, 2_000L) })
            {
                await inputs[input].SendNextAsync(Chunk("in-" + input, watermark, 1));
                watermarks.Add((await output.RequestNextAsync()).Watermark);
            }

            Assert.Equal([long.MinValue, 5_000L, 5_000L], watermarks);
            await CompleteAsync(inputs, output);
        }, _materializer);
    }

    /// <summary>
    /// Verify that the union combines its inputs' idleness as Flink's valve (WatermarkValveSpec): when the last active
    /// source goes idle holding the watermark, the union moves to the highest one; a source back from idle behind it
    /// holds nothing back.
    /// </summary>
    [Fact]
    public async Task A_UnionGraph_must_combine_idle_sources_as_Flinks_valve()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var (_, inputs, output) = RunWithProbes(2);
            var watermarks = new List<long>();
            foreach (var chunk in new[] { (0, Chunk("in-0", 9, 1)), (1, Chunk("in-1", 24, 2)), (1, Chunk<long>.Tick(24, sourceIdle: true)), (0, Chunk<long>.Tick(9, sourceIdle: true)), (0, Chunk("in-0", 15, 3)), (1, Chunk("in-1", 40, 4)) })
            {
                await inputs[chunk.Item1].SendNextAsync(chunk.Item2);
                watermarks.Add((await output.RequestNextAsync()).Watermark);
            }

            Assert.Equal([long.MinValue, 9L, 9L, 24L, 24L, 40L], watermarks);
            await CompleteAsync(inputs, output);
        }, _materializer);
    }

    /// <summary>
    /// Verify that a bounded source that ends while the other is idle moves the union to just before the end of the input
    /// (every window fires, as at Flink's maximum watermark) without ending the job's input, which ends when the other
    /// source's input ends too.
    /// </summary>
    [Fact]
    public async Task A_UnionGraph_must_end_the_input_only_when_every_source_ended()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var (_, inputs, output) = RunWithProbes(2);
            var end = ActorFlow.Operators.Watermark.EndOfInput;
            var chunks = new List<Chunk<long>>();
            foreach (var chunk in new[] { (0, Chunk("in-0", 9, 1)), (1, Chunk("in-1", 5, 2)), (1, Chunk<long>.Tick(5, sourceIdle: true)), (0, Chunk<long>.Tick(end)), (1, Chunk<long>.Tick(end)) })
            {
                await inputs[chunk.Item1].SendNextAsync(chunk.Item2);
                chunks.Add(await output.RequestNextAsync());
            }

            Assert.Equal([long.MinValue, 5L, 9L, end - 1, end], chunks.Select(c => c.Watermark));
            Assert.Equal([false, false, false, false, true], chunks.Select(c => c.IsEndOfInput));
            await CompleteAsync(inputs, output);
        }, _materializer);
    }

    /// <summary>Verify that every chunk of every input comes out once, with its origin, offsets and records unchanged and in input order.</summary>
    [Fact]
    public async Task A_UnionGraph_must_emit_every_record_of_every_input()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var union = UnionGraph.Build([
                Input(new RecordingControl(), Chunk("a/0", 100, 1, 2), Chunk("a/0", 200, 3), Chunk("a/1", 150, 4)),
                Input(new RecordingControl(), Chunk("b/0", 100, 10, 11)),
                Input(new RecordingControl(), Chunk("c/0", 100, 20), Chunk("c/0", 300, 21, 22, 23)),
            ]);

            var chunks = await union.RunWith(Sink.Seq<Chunk<long>>(), _materializer).WaitAsync(TimeSpan.FromSeconds(10));

            var byOrigin = chunks.GroupBy(c => c.Origin!).ToDictionary(g => g.Key, g => g.SelectMany(c => c.Items.Take(c.Count)).ToList());
            Assert.Equal(["a/0", "a/1", "b/0", "c/0"], byOrigin.Keys.Order(StringComparer.Ordinal));
            Assert.Equal([1L, 2L, 3L], byOrigin["a/0"].Select(e => e.Value));
            Assert.Equal([new Element<long>(4, 4, 0)], byOrigin["a/1"]);
            Assert.Equal([10L, 11L], byOrigin["b/0"].Select(e => e.Value));
            Assert.Equal([20L, 21L, 22L, 23L], byOrigin["c/0"].Select(e => e.Value));
            Assert.Equal(6, chunks.Count);
        }, _materializer);
    }

    /// <summary>Verify that StopAsync on the union's control stops every input's source once.</summary>
    [Fact]
    public async Task A_UnionGraph_must_pass_a_stop_to_every_input()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var controls = new[] { new RecordingControl(), new RecordingControl(), new RecordingControl() };
            var control = await RunToEndAsync(controls);

            await control.StopAsync();

            Assert.Equal([1, 1, 1], controls.Select(c => c.Stops));
            Assert.Equal([0, 0, 0], controls.Select(c => c.Shutdowns));
        }, _materializer);
    }

    /// <summary>Verify that ShutdownAsync on the union's control shuts every input's source down once.</summary>
    [Fact]
    public async Task A_UnionGraph_must_pass_a_shutdown_to_every_input()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var controls = new[] { new RecordingControl(), new RecordingControl(), new RecordingControl() };
            var control = await RunToEndAsync(controls);

            await control.ShutdownAsync();

            Assert.Equal([1, 1, 1], controls.Select(c => c.Shutdowns));
            Assert.Equal([0, 0, 0], controls.Select(c => c.Stops));
        }, _materializer);
    }

    /// <summary>Verify that CommitAsync on the union's control hands the same next offsets to every input's source once.</summary>
    [Fact]
    public async Task A_UnionGraph_must_pass_a_commit_to_every_input()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var controls = new[] { new RecordingControl(), new RecordingControl(), new RecordingControl() };
            var control = await RunToEndAsync(controls);
            var offsets = new Dictionary<string, long> { ["a/0"] = 42, ["b/0"] = 7 };

            await control.CommitAsync(offsets);

            Assert.All(controls, c => Assert.Same(offsets, Assert.Single(c.Commits)));
        }, _materializer);
    }

    /// <summary>Verify that a union materialized twice keeps the controls of each materialization apart (a source is a reusable blueprint).</summary>
    [Fact]
    public async Task A_UnionGraph_must_keep_the_controls_of_two_materializations_apart()
    {
        await this.AssertAllStagesStoppedAsync(async () =>
        {
            var created = new List<RecordingControl>();
            var union = UnionGraph.Build([Input(created, Chunk("a/0", 1, 1)), Input(created, Chunk("b/0", 1, 2))]);

            var (first, firstDone) = union.ToMaterialized(Sink.Ignore<Chunk<long>>(), Keep.Both).Run(_materializer);
            await firstDone.WaitAsync(TimeSpan.FromSeconds(10));
            var firstRun = created.ToList();
            var (_, secondDone) = union.ToMaterialized(Sink.Ignore<Chunk<long>>(), Keep.Both).Run(_materializer);
            await secondDone.WaitAsync(TimeSpan.FromSeconds(10));
            await first.StopAsync();

            Assert.Equal([1, 1], firstRun.Select(c => c.Stops));
        }, _materializer);
    }

    private static Chunk<long> Chunk(string origin, long watermark, params long[] values) =>
        new(origin, values.Length, watermark, values.Select((v, i) => new Element<long>(v, v, i)).ToArray(), values.Length, null);

    private static Source<Chunk<long>, ISourceControl> Input(RecordingControl control, params Chunk<long>[] chunks) =>
        Source.From(chunks).MapMaterializedValue(_ => (ISourceControl)control);

    /// <summary>An input that makes a new control for each materialization and adds it to <paramref name="created"/>.</summary>
    private static Source<Chunk<long>, ISourceControl> Input(List<RecordingControl> created, params Chunk<long>[] chunks) =>
        Source.From(chunks).MapMaterializedValue(_ =>
        {
            var control = new RecordingControl();
            created.Add(control);
            return (ISourceControl)control;
        });

    /// <summary>Runs a union of one chunk per control to completion and returns its control.</summary>
    private async Task<ISourceControl> RunToEndAsync(RecordingControl[] controls)
    {
        var union = UnionGraph.Build(controls.Select((c, i) => Input(c, Chunk("in-" + i, 1, i))).ToList());
        var (control, done) = union.ToMaterialized(Sink.Ignore<Chunk<long>>(), Keep.Both).Run(_materializer);
        await done.WaitAsync(TimeSpan.FromSeconds(10));
        return control;
    }

    private (ISourceControl Control, TestPublisher.Probe<Chunk<long>>[] Inputs, TestSubscriber.Probe<Chunk<long>> Output) RunWithProbes(int count)
    {
        var probes = new TestPublisher.Probe<Chunk<long>>[count];
        var inputs = Enumerable.Range(0, count)
            .Select(i => this.SourceProbe<Chunk<long>>().MapMaterializedValue(p =>
            {
                probes[i] = p;
                return (ISourceControl)new RecordingControl();
            }))
            .ToList();
        var (control, output) = UnionGraph.Build(inputs).ToMaterialized(this.SinkProbe<Chunk<long>>(), Keep.Both).Run(_materializer);
        return (control, probes, output);
    }

    private static async Task CompleteAsync(TestPublisher.Probe<Chunk<long>>[] inputs, TestSubscriber.Probe<Chunk<long>> output)
    {
        foreach (var input in inputs)
        {
            await input.SendCompleteAsync();
        }

        output.Request(1);
        await output.ExpectCompleteAsync();
    }

    /// <summary>Counts the calls it gets (from the test's thread only).</summary>
    private sealed class RecordingControl : ISourceControl
    {
        public int Stops { get; private set; }

        public int Shutdowns { get; private set; }

        public List<IReadOnlyDictionary<string, long>> Commits { get; } = [];

        public Task StopAsync()
        {
            Stops++;
            return Task.CompletedTask;
        }

        public Task ShutdownAsync()
        {
            Shutdowns++;
            return Task.CompletedTask;
        }

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets)
        {
            Commits.Add(nextOffsets);
            return Task.CompletedTask;
        }
    }
}
