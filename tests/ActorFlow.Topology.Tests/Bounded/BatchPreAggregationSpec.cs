using System.Collections.Concurrent;
using System.Globalization;
using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Windowing;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Tests.EndToEnd;

namespace ActorFlow.Topology.Tests.Bounded;

/// <summary>
/// A batch run in place pre-aggregates what a source's key-by sends to a tumbling event-time window with an aggregate
/// (<see cref="JobRunnerOptions.BatchPreAggregation"/>): the records of a chunk with the same key and window are folded
/// into one accumulator before their key group merges it, and the windows are those of the records one by one.
/// </summary>
public sealed class BatchPreAggregationSpec : IAsyncLifetime
{
    private const int MergeCheckAdds = MergeCountingAggregate.CheckAdds;
    private const int MergeCheckMerges = MergeCountingAggregate.CheckMerges;
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(60);
    private readonly ActorFlow.Tests.Shared.TempDirectory _data = new("actorflow-batch-pre-aggregation");
    private Akka.Actor.ActorSystem? _system;

    public async Task InitializeAsync() =>
        _system = await ActorFlowCluster.StartNodeAsync("pre-aggregation", StateStoreSettings.Sqlite(_data.Path));

    public async Task DisposeAsync()
    {
        if (_system is not null)
        {
            await _system.Terminate().WaitAsync(Prompt);
        }

        _data.Dispose();
    }

    /// <summary>
    /// Verify that the windows of a batch run with pre-aggregation are the reference's and those of a run without it,
    /// and that the key groups merged folded accumulators (the aggregate's merge ran) only in the run with it.
    /// </summary>
    [Fact]
    public async Task Pre_aggregated_windows_must_equal_the_windows_of_the_records_one_by_one()
    {
        var input = BoundedJobs.Clicks(3_000, 3);
        var expected = BoundedJobs.WindowCounts(input.SelectMany(p => p).Select(c => c.Value));

        var on = new MergeCountingAggregate();
        var (withFolds, deadWith) = await RunAsync("folded", input, on, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch });
        var off = new MergeCountingAggregate();
        var (without, deadWithout) = await RunAsync("unfolded", input, off, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchPreAggregation = false });

        Assert.Equal(expected, withFolds);
        Assert.Equal(expected, without);
        Assert.Empty(deadWith);
        Assert.Empty(deadWithout);
        Assert.True(on.Merges > MergeCheckMerges, "the key groups merged pre-aggregated accumulators");
        Assert.True(on.Adds == 3_000 + MergeCheckAdds, $"every record was added once, besides the merge check ({on.Adds})");
        Assert.Equal(0, off.Merges);
    }

    /// <summary>
    /// Verify that an aggregate whose merge throws (written for tumbling windows only, as Flink allows) is not
    /// pre-aggregated: the same windows, no dead letter.
    /// </summary>
    [Fact]
    public async Task An_aggregate_that_refuses_to_merge_must_get_its_records_one_by_one()
    {
        var input = BoundedJobs.Clicks(1_000, 2);
        var expected = BoundedJobs.WindowCounts(input.SelectMany(p => p).Select(c => c.Value));

        var (windows, dead) = await RunAsync("no-merge", input, new MergeCountingAggregate { RefuseMerge = true }, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch });

        Assert.Equal(expected, windows);
        Assert.Empty(dead);
    }

    /// <summary>
    /// Verify that a key-by behind a Where and a Select (fused into the source with it) is pre-aggregated: the windows of
    /// the records the Where keeps, counted once each, every record read; a record either step throws on is a dead letter
    /// of that step with its position, as without pre-aggregation.
    /// </summary>
    [Fact]
    public async Task A_key_by_behind_where_and_select_must_be_pre_aggregated()
    {
        var input = BoundedJobs.Clicks(3_000, 3);
        var badWhere = input[0][11].Value;
        var badSelect = input[2][5].Value;
        var kept = input.SelectMany(p => p).Select(c => c.Value).Where(c => !c.User.EndsWith('3') && c != badWhere && c != badSelect);
        var expected = BoundedJobs.WindowCounts(kept);
        var aggregate = new MergeCountingAggregate();

        var (windows, dead) = await RunAsync("behind-steps", input, aggregate, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch }, clicks => clicks
            .Where(c => c == badWhere ? throw new InvalidOperationException("bad where") : !c.User.EndsWith('3'))
            .Select(c => c == badSelect ? throw new InvalidOperationException("bad select") : new Click(c.User, c.Time)));

        Assert.Equal(expected, windows);
        Assert.True(aggregate.Merges > MergeCheckMerges, "the key groups merged pre-aggregated accumulators");
        Assert.Equal(2, dead.Count);
        var where = Assert.Single(dead, d => d.Operator == "Where");
        Assert.Equal((BoundedListSource<Click>.Id(0), 11L, "InvalidOperationException: bad where"), (where.Origin, where.Offset, where.Reason));
        var select = Assert.Single(dead, d => d.Operator == "Select");
        Assert.Equal((BoundedListSource<Click>.Id(2), 5L, "InvalidOperationException: bad select"), (select.Origin, select.Offset, select.Reason));
    }

    /// <summary>
    /// Verify that an aggregate whose merge is wrong without throwing (it returns its first argument, a placeholder
    /// written for Flink, which never merges tumbling windows) is not pre-aggregated: the merge check on the run's first
    /// records finds it, and the windows are those of the records one by one.
    /// </summary>
    [Fact]
    public async Task An_aggregate_whose_merge_drops_an_accumulator_must_get_its_records_one_by_one()
    {
        var input = BoundedJobs.Clicks(3_000, 3);
        var expected = BoundedJobs.WindowCounts(input.SelectMany(p => p).Select(c => c.Value));
        var aggregate = new MergeCountingAggregate { MergeKeepsFirst = true };

        var (windows, dead) = await RunAsync("merge-keeps-first", input, aggregate, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch });

        Assert.Equal(expected, windows);
        Assert.Empty(dead);
        Assert.InRange(aggregate.Merges, 1, MergeCheckMerges); // the check's merges (it stops at the first difference), none of a fold
    }

    /// <summary>
    /// Verify that a maximum whose merge drops an accumulator is not pre-aggregated although the run's first readings are
    /// equal (the first three of every partition read 0, which cannot show such a merge): the check goes on to a pair of
    /// different readings, and the windows are those of the records one by one.
    /// </summary>
    [Fact]
    public async Task A_wrong_merge_hidden_by_equal_first_readings_must_be_found()
    {
        var input = BoundedJobs.Clicks(3_000, 3);
        var zeroed = input.SelectMany(p => p.Take(3)).Select(c => c.Value).ToHashSet();
        var maximum = new HundredsMaximum(zeroed, mergeKeepsFirst: true);
        var expected = input.SelectMany(p => p).Select(c => c.Value)
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .Select(g => $"{g.Key.User}|{g.Key.Start.ToString(CultureInfo.InvariantCulture)}|{g.Max(maximum.Reading).ToString(CultureInfo.InvariantCulture)}")
            .Order(StringComparer.Ordinal)
            .ToList();

        async Task<List<string>> RunMaximumAsync(string name, HundredsMaximum aggregate)
        {
            var output = new ConcurrentQueue<string>();
            var job = StreamJobBuilder.Create(name)
                .FromSource("clicks", new BoundedListSource<Click>([.. input]), BoundedJobs.Watermarks)
                .KeyBy(c => c.User)
                .Process("maximum", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                    .Aggregate(aggregate, (user, window, max) => $"{user}|{window.Start.ToString(CultureInfo.InvariantCulture)}|{max.ToString(CultureInfo.InvariantCulture)}"))
                .To(new QueueSink<string>(output))
                .Build();
            var running = await JobRunner.StartAsync(_system!, job, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch });
            Assert.True((await running.Completion.WaitAsync(Prompt)).EndOfInput);
            return [.. output.Order(StringComparer.Ordinal)];
        }

        Assert.Equal(expected, await RunMaximumAsync("maximum-keeps-first", maximum));
        var correct = new HundredsMaximum(zeroed, mergeKeepsFirst: false);
        Assert.Equal(expected, await RunMaximumAsync("maximum", correct));
        Assert.True(correct.Merges > MergeCheckMerges, $"a correct maximum is pre-aggregated: {correct.Merges} merges, beyond the check's at most {MergeCheckMerges}");
    }

    /// <summary>
    /// Verify that a merge that throws on a fold makes one dead letter of the operator naming how many records the fold
    /// held: the windows' counts and the dead letters' together account for every record.
    /// </summary>
    [Fact]
    public async Task A_merge_that_throws_must_name_the_records_of_the_fold_in_its_dead_letter()
    {
        var input = BoundedJobs.Clicks(1_000, 2);

        var (windows, dead) = await RunAsync("failing-merge", input, new MergeCountingAggregate { RefuseMergeOfRecords = true }, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch });

        Assert.NotEmpty(dead);
        Assert.All(dead, letter => Assert.Equal("count", letter.Operator));
        var lost = dead.Sum(letter =>
        {
            var match = System.Text.RegularExpressions.Regex.Match(letter.Reason, "the accumulator of (\\d+) records pre-aggregated from this one on failed");
            Assert.True(match.Success, letter.Reason);
            return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        });
        var counted = windows.Sum(w => int.Parse(w[(w.LastIndexOf('|') + 1)..], CultureInfo.InvariantCulture));
        Assert.Equal(1_000, counted + lost);
    }

    /// <summary>
    /// Verify that a record the aggregate's add throws on becomes a dead letter of the operator with its own partition
    /// and offset, as without pre-aggregation, and every other record of its window is counted.
    /// </summary>
    [Fact]
    public async Task A_record_the_aggregate_throws_on_must_become_a_dead_letter_of_the_operator()
    {
        var input = BoundedJobs.Clicks(1_000, 2);
        var poison = input[1][37].Value;
        var expected = BoundedJobs.WindowCounts(input.SelectMany(p => p).Select(c => c.Value).Where(c => c != poison));

        var (windows, dead) = await RunAsync("poisoned-add", input, new MergeCountingAggregate { Poison = poison }, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch });

        Assert.Equal(expected, windows);
        var letter = Assert.Single(dead);
        Assert.Equal("count", letter.Operator);
        Assert.Equal(BoundedListSource<Click>.Id(1), letter.Origin);
        Assert.Equal(37, letter.Offset);
        Assert.Contains($"operator 'count' failed on key '{poison.User}'", letter.Reason, StringComparison.Ordinal);
        Assert.Contains("poisoned click", letter.Reason, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that a windowed reduce (the latest click per user and window) is pre-aggregated to the same results as the
    /// records one by one give.
    /// </summary>
    [Fact]
    public async Task A_pre_aggregated_reduce_must_give_the_windows_of_the_records_one_by_one()
    {
        var input = BoundedJobs.Clicks(2_000, 2);
        var expected = input.SelectMany(p => p).Select(c => c.Value)
            .GroupBy(c => (c.User, Start: c.Time - (((c.Time % 1000) + 1000) % 1000)))
            .Select(g => g.OrderByDescending(c => c.Time).First())
            .Select(c => $"{c.User}|{c.Time.ToString(CultureInfo.InvariantCulture)}")
            .Order(StringComparer.Ordinal)
            .ToList();

        async Task<List<string>> LatestAsync(string name, bool preAggregate)
        {
            var output = new ConcurrentQueue<Click>();
            var job = StreamJobBuilder.Create(name)
                .WithSerializers(new ActorFlow.Operators.Serialization.SerializerRegistry().Register(Serialization.WireTestJobs.ClickSerializer))
                .FromSource("clicks", new BoundedListSource<Click>([.. input]), BoundedJobs.Watermarks)
                .KeyBy(c => c.User)
                .Process("latest", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                    .Reduce((a, b) => b.Time > a.Time ? b : a))
                .To(new QueueSink<Click>(output))
                .Build();
            var running = await JobRunner.StartAsync(_system!, job, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, BatchPreAggregation = preAggregate });
            Assert.True((await running.Completion.WaitAsync(Prompt)).EndOfInput);
            return [.. output.Select(c => $"{c.User}|{c.Time.ToString(CultureInfo.InvariantCulture)}").Order(StringComparer.Ordinal)];
        }

        Assert.Equal(expected, await LatestAsync("latest-folded", preAggregate: true));
        Assert.Equal(expected, await LatestAsync("latest-unfolded", preAggregate: false));
    }

    /// <summary>
    /// Verify that a window on the second hop, fed by a source's key-by through a union with an earlier stage's output,
    /// gets its records one by one (its key groups run on their entities, which take records, not folds: a fold cannot
    /// cross to another node as the stage's record type, and an entity's restart would replay it) and counts every click
    /// of both sources once.
    /// </summary>
    [Fact]
    public async Task A_window_on_a_later_hop_must_not_get_pre_aggregated_records()
    {
        var web = BoundedJobs.Clicks(1_000, 2, seed: 3);
        var mobile = BoundedJobs.Clicks(1_000, 2, seed: 5);
        var expected = BoundedJobs.WindowCounts(web.Concat(mobile).SelectMany(p => p).Select(c => c.Value));
        var output = new ConcurrentQueue<string>();
        var dead = new ConcurrentQueue<DeadLetterRecord>();
        var builder = StreamJobBuilder.Create("later-hop")
            .WithSerializers(new ActorFlow.Operators.Serialization.SerializerRegistry().Register(Serialization.WireTestJobs.ClickSerializer));
        var passed = builder.FromSource("web", new BoundedListSource<Click>([.. web]), BoundedJobs.Watermarks)
            .KeyBy(c => c.User)
            .Process("pass", () => KeyedProcessOperators.Create(new PassThrough()));
        var aggregate = new MergeCountingAggregate();
        var job = builder.FromSource("mobile", new BoundedListSource<Click>([.. mobile]), BoundedJobs.Watermarks)
            .Union(passed)
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(aggregate, (user, window, count) => $"{user}|{window.Start.ToString(CultureInfo.InvariantCulture)}|{count.ToString(CultureInfo.InvariantCulture)}"))
            .To(new QueueSink<string>(output))
            .WithDeadLetters(new QueueSink<DeadLetterRecord>(dead))
            .Build();

        var running = await JobRunner.StartAsync(_system!, job, new JobRunnerOptions { ExecutionMode = ExecutionMode.Batch, RestartStrategy = RestartStrategy.None });
        Assert.True((await running.Completion.WaitAsync(Prompt)).EndOfInput);

        Assert.Empty(dead);
        Assert.Equal(expected, output.Order(StringComparer.Ordinal));
        Assert.Equal(0, aggregate.Merges);
    }

    private async Task<(List<string> Windows, List<DeadLetterRecord> Dead)> RunAsync(
        string name, List<List<(Click Value, long Time)>> input, MergeCountingAggregate aggregate, JobRunnerOptions options, Func<DataStream<Click>, DataStream<Click>>? steps = null)
    {
        var output = new ConcurrentQueue<string>();
        var dead = new ConcurrentQueue<DeadLetterRecord>();
        var clicks = StreamJobBuilder.Create(name).FromSource("clicks", new BoundedListSource<Click>([.. input]), BoundedJobs.Watermarks);
        var job = (steps?.Invoke(clicks) ?? clicks)
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(aggregate, (user, window, count) => $"{user}|{window.Start.ToString(CultureInfo.InvariantCulture)}|{count.ToString(CultureInfo.InvariantCulture)}"))
            .To(new QueueSink<string>(output))
            .WithDeadLetters(new QueueSink<DeadLetterRecord>(dead))
            .Build();
        var running = await JobRunner.StartAsync(_system!, job, options);
        var summary = await running.Completion.WaitAsync(Prompt);
        Assert.True(summary.EndOfInput);
        Assert.Equal(input.Sum(p => p.Count), summary.RecordsRead); // folded records are read records
        return ([.. output.Order(StringComparer.Ordinal)], [.. dead]);
    }

    /// <summary>Emits every click as it came.</summary>
    private sealed class PassThrough : KeyedProcessFunction<string, Click, Click>
    {
        public override void ProcessElement(Click value, Context context, ICollector<Click> output) => output.Collect(value);
    }

    /// <summary>
    /// The maximum of a click's hundreds of milliseconds within its second (0 for the clicks given as zeroed); counts
    /// its merges of two accumulators that hold readings.
    /// </summary>
    private sealed class HundredsMaximum(HashSet<Click> zeroed, bool mergeKeepsFirst) : IAggregateFunction<Click, int, int>
    {
        private int _merges;

        public int Merges => Volatile.Read(ref _merges);

        public int Reading(Click click) => zeroed.Contains(click) ? 0 : (int)((((click.Time % 1000) + 1000) % 1000) / 100);

        public int CreateAccumulator() => -1;

        public int Add(Click value, int accumulator) => Math.Max(accumulator, Reading(value));

        public int GetResult(int accumulator) => accumulator;

        public int Merge(int a, int b)
        {
            if (a >= 0 && b >= 0)
            {
                Interlocked.Increment(ref _merges);
            }

            return mergeKeepsFirst ? a : Math.Max(a, b);
        }
    }

    /// <summary>Counts records; counts its adds and merges (shared by the key groups' operators, so updated atomically).</summary>
    private sealed class MergeCountingAggregate : IAggregateFunction<Click, long, long>
    {
        /// <summary>
        /// What a batch run's merge check adds and merges for a count (IAggregateFunction.Merge's documentation): every
        /// record has the same accumulator, so it checks 32 pairs, each with ten adds and two merges.
        /// </summary>
        public const int CheckAdds = 32 * 10;

        public const int CheckMerges = 32 * 2;

        private int _adds;
        private int _merges;

        public bool RefuseMerge { get; init; }

        /// <summary>Gets a value indicating whether merging two accumulators that both counted more than one record throws
        /// (the merge check on two single records passes).</summary>
        public bool RefuseMergeOfRecords { get; init; }

        /// <summary>Gets a value indicating whether the merge returns its first argument (wrong, without throwing).</summary>
        public bool MergeKeepsFirst { get; init; }

        public Click? Poison { get; init; }

        public int Adds => Volatile.Read(ref _adds);

        public int Merges => Volatile.Read(ref _merges);

        public long CreateAccumulator() => 0;

        public long Add(Click value, long accumulator)
        {
            if (ReferenceEquals(value, Poison))
            {
                throw new InvalidOperationException("poisoned click");
            }

            Interlocked.Increment(ref _adds);
            return accumulator + 1;
        }

        public long GetResult(long accumulator) => accumulator;

        public long Merge(long a, long b)
        {
            if (RefuseMerge || (RefuseMergeOfRecords && a > 1 && b > 1))
            {
                throw new NotSupportedException("tumbling windows only");
            }

            if (a != 0 || b != 0)
            {
                Interlocked.Increment(ref _merges);
            }

            return MergeKeepsFirst ? a : a + b;
        }
    }
}
