using ActorFlow.Operators.Functions;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Dsl;

public sealed class StreamJobBuilderSpec
{
    private static readonly ISourceConnector<int> Ints = new NoSource();
    private static readonly ISinkConnector<int> Out = new NoSink();

    /// <summary>Verify that a job without a source or without a sink fails to build, naming what is missing.</summary>
    [Fact]
    public void A_job_must_have_a_source_and_a_sink()
    {
        Assert.Contains("no source", Assert.Throws<InvalidOperationException>(() => StreamJobBuilder.Create("j").Build()).Message, StringComparison.Ordinal);
        var builder = StreamJobBuilder.Create("j");
        builder.FromSource("in", Ints, WatermarkStrategy<int>.NoWatermarks());
        Assert.Contains("no sink", Assert.Throws<InvalidOperationException>(builder.Build).Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that two operators with one name are refused.</summary>
    [Fact]
    public void A_job_must_refuse_duplicate_operator_names()
    {
        var stream = StreamJobBuilder.Create("j").FromSource("x", Ints, WatermarkStrategy<int>.NoWatermarks()).KeyBy(i => i);
        var e = Assert.Throws<ArgumentException>(() => stream.Process("x", () => KeyedProcessOperators.Create<int, int, int>(new Echo())));
        Assert.Contains("already has an operator named 'x'", e.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Verify that a factory sharing one function object between its operators, or returning one operator twice, fails
    /// the build (each key group makes its own operator; the build makes two, as two key groups would).
    /// </summary>
    [Fact]
    public void A_factory_must_make_a_new_operator_and_function_on_every_call()
    {
        var shared = new Echo();
        var builder = StreamJobBuilder.Create("j");
        builder.FromSource("x", Ints, WatermarkStrategy<int>.NoWatermarks()).KeyBy(i => i)
            .Process("echo", () => KeyedProcessOperators.Create<int, int, int>(shared)).To(Out);
        var e = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Contains("operator 'echo' cannot be built: This Echo is already used by another operator", e.Message, StringComparison.Ordinal);

        var op = KeyedProcessOperators.Create<int, int, int>(new Echo());
        builder = StreamJobBuilder.Create("j");
        builder.FromSource("x", Ints, WatermarkStrategy<int>.NoWatermarks()).KeyBy(i => i).Process("echo", () => op).To(Out);
        e = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Contains("operator 'echo' cannot be built: its factory returned the same operator twice", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a key type without a stable encoding is refused at build time.</summary>
    [Fact]
    public void A_key_without_a_stable_encoding_must_be_refused()
    {
        var stream = StreamJobBuilder.Create("j").FromSource("x", Ints, WatermarkStrategy<int>.NoWatermarks());
        var e = Assert.Throws<ArgumentException>(() => stream.KeyBy(i => new object()));
        Assert.Contains("no built-in stable encoding", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a job name that cannot name a shard region is refused.</summary>
    [Fact]
    public void A_job_name_must_be_a_plain_identifier() =>
        Assert.Throws<ArgumentException>(() => StreamJobBuilder.Create("a job/with spaces"));

    /// <summary>Verify that a stream nobody consumes (a keyed operator's output, a step's result) fails the build, naming it.</summary>
    [Fact]
    public void A_stream_nobody_consumes_must_fail_the_build()
    {
        var builder = StreamJobBuilder.Create("j");
        var echoed = builder.FromSource("in", Ints, WatermarkStrategy<int>.NoWatermarks())
            .KeyBy(i => i % 10).Process("echo", () => KeyedProcessOperators.Create<int, int, int>(new Echo()));
        echoed.Where(i => i > 0).To(Out);
        echoed.Select(i => i * 2);
        var e = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Contains("Select after the output of operator 'echo' is not consumed", e.Message, StringComparison.Ordinal);

        var unread = StreamJobBuilder.Create("u");
        var source = unread.FromSource("in", Ints, WatermarkStrategy<int>.NoWatermarks());
        source.To(Out);
        source.KeyBy(i => i).Process("echo", () => KeyedProcessOperators.Create<int, int, int>(new Echo()));
        Assert.Contains("the output of operator 'echo' is not consumed", Assert.Throws<InvalidOperationException>(unread.Build).Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a keyed operator's output keyed again makes a second hop, and one kept on its key (KeepKey) does not.</summary>
    [Fact]
    public void A_re_partition_must_add_a_hop_and_a_chained_stage_must_not()
    {
        var builder = StreamJobBuilder.Create("hops");
        var first = builder.FromSource("in", Ints, WatermarkStrategy<int>.NoWatermarks())
            .KeyBy(i => i % 10).Process("first", () => KeyedProcessOperators.Create<int, int, int>(new Echo()));
        var chained = first.KeepKey(i => i % 10).Process("chained", () => KeyedProcessOperators.Create<int, int, int>(new Echo()));
        chained.KeyBy(i => i % 3).Process("second", () => KeyedProcessOperators.Create<int, int, int>(new Echo())).To(Out);
        var job = builder.Build();
        Assert.Equal(2, job.Plan.Hops);
        Assert.Equal([1, 1, 2], job.Plan.Stages.Select(s => s.Hop));
    }

    /// <summary>Verify that a stateless and a keyed job both build.</summary>
    [Fact]
    public void Valid_jobs_must_build()
    {
        var stateless = StreamJobBuilder.Create("s").FromSource("in", Ints, WatermarkStrategy<int>.NoWatermarks()).Where(i => i > 0).To(Out).Build();
        Assert.Equal("s", stateless.Name);
        var keyed = StreamJobBuilder.Create("k").FromSource("in", Ints, WatermarkStrategy<int>.NoWatermarks())
            .KeyBy(i => i % 10).Process("echo", () => KeyedProcessOperators.Create<int, int, int>(new Echo())).To(Out).Build();
        Assert.Equal(128, keyed.MaxParallelism);
    }

    private sealed class Echo : KeyedProcessFunction<int, int, int>
    {
        public override void ProcessElement(int value, Context context, Operators.ICollector<int> output) => output.Collect(value);
    }

    private sealed class NoSource : ISourceConnector<int>
    {
        public Source<(string Partition, Source<IReadOnlyList<SourceRecord<int>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets) =>
            throw new NotSupportedException("build-only spec");
    }

    private sealed class NoSink : ISinkConnector<int>
    {
        public Sink<int, Task<Done>> Sink() => throw new NotSupportedException("build-only spec");
    }
}
