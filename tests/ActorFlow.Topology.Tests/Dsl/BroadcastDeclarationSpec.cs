using ActorFlow.Operators;
using ActorFlow.Operators.Functions;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime.Internal;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Dsl;

/// <summary>
/// <c>stream.Broadcast(descriptors)</c> declares the broadcast states as Flink's <c>broadcast(descriptors)</c>: the
/// job's operators refuse any other name (a typo is a dead letter naming the state instead of a new, empty state that
/// silently applies no rule), and the declaration itself must be distinct map states.
/// </summary>
public sealed class BroadcastDeclarationSpec
{
    private static readonly MapStateDescriptor<string, long> Limits = new("limits");
    private static readonly MapStateDescriptor<string, long> Typo = new("limts");

    /// <summary>Verify that the job's operator refuses an undeclared state, and with it the broadcast record, naming the state.</summary>
    [Fact]
    public void The_jobs_operator_must_refuse_an_undeclared_state()
    {
        var output = Broadcast(Typo, [Limits]);

        var dead = Assert.Single(output);
        Assert.Equal(EmittedKind.Dead, dead.Kind);
        var letter = Assert.IsType<DeadLetterRecord>(dead.Value);
        Assert.Contains("failed on a broadcast record: ArgumentException: The requested broadcast state 'limts' does not exist (declared: 'limits')", letter.Reason, StringComparison.Ordinal);
    }

    /// <summary>Verify that a declared state, and any state of an undeclared broadcast, is kept.</summary>
    [Fact]
    public void A_declared_state_and_an_undeclared_broadcasts_state_must_be_kept()
    {
        Assert.Empty(Broadcast(Limits, [Limits]));
        Assert.Empty(Broadcast(Typo, null));
    }

    /// <summary>Verify that an empty declaration, a state other than a map state or a name given twice is refused at once.</summary>
    [Fact]
    public void A_declaration_must_be_distinct_map_states()
    {
        var stream = StreamJobBuilder.Create("j").FromSource("x", new NoSource(), WatermarkStrategy<long>.NoWatermarks());
        Assert.Contains("Give the broadcast states", Assert.Throws<ArgumentException>(() => stream.Broadcast([])).Message, StringComparison.Ordinal);
        Assert.Contains("broadcast state is map state", Assert.Throws<ArgumentException>(() => stream.Broadcast(new ListStateDescriptor<long>("l"))).Message, StringComparison.Ordinal);
        Assert.Contains("'limits' is declared twice", Assert.Throws<ArgumentException>(() => stream.Broadcast(Limits, new MapStateDescriptor<string, string>("limits"))).Message, StringComparison.Ordinal);
    }

    /// <summary>Builds a job whose broadcast function writes <paramref name="written"/>, and gives its operator one broadcast record.</summary>
    private static List<Emitted> Broadcast(MapStateDescriptor<string, long> written, StateDescriptor[]? declared)
    {
        var builder = StreamJobBuilder.Create("j");
        var source = builder.FromSource("x", new NoSource(), WatermarkStrategy<long>.NoWatermarks());
        var rules = declared is null ? source.Broadcast() : source.Broadcast(declared);
        source.KeyBy(v => v).Connect(rules).Process("limit", () => new Writer(written)).To(new NoSink());
        var job = builder.Build();

        var stage = (TwoInputStage<long, long, long, long>)Assert.Single(job.Plan.Stages);
        var host = stage.CreateHost(0, job.MaxParallelism);
        var output = new List<Emitted>();
        host.Element(new Routed(Routed.EveryKeyGroup, 0L, 10L, 1, Target: stage.Port2), output);
        return output;
    }

    /// <summary>Keeps each broadcast value in <paramref name="state"/>.</summary>
    private sealed class Writer(MapStateDescriptor<string, long> state) : KeyedBroadcastProcessFunction<long, long, long, long>
    {
        public override void ProcessElement(long value, ReadOnlyContext context, ICollector<long> output)
        {
        }

        public override void ProcessBroadcastElement(long value, Context context, ICollector<long> output) =>
            context.GetBroadcastState(state)["limit"] = value;
    }

    private sealed class NoSource : ISourceConnector<long>
    {
        public Source<(string Partition, Source<IReadOnlyList<SourceRecord<long>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets) =>
            throw new NotSupportedException("build-only spec");
    }

    private sealed class NoSink : ISinkConnector<long>
    {
        public Sink<long, Task<Done>> Sink() => throw new NotSupportedException("build-only spec");
    }
}
