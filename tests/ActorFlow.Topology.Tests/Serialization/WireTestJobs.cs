using ActorFlow.Operators;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Operators.Windowing;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Tests.EndToEnd;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests.Serialization;

/// <summary>Serializers and build-only jobs for the wire-format specs.</summary>
internal static class WireTestJobs
{
    /// <summary>The serializer of <see cref="Click"/>: user, then time.</summary>
    public static ITypeSerializer<Click> ClickSerializer { get; } = Serializers.Create<Click>(
        (w, c) =>
        {
            w.WriteString(c.User);
            w.WriteInt64(c.Time);
        },
        (ref StateReader r) =>
        {
            var user = r.ReadString()!;
            return new Click(user, r.ReadInt64());
        });

    /// <summary>A registry that knows <see cref="Click"/>.</summary>
    public static SerializerRegistry WithClicks() => new SerializerRegistry().Register(ClickSerializer);

    /// <summary>
    /// A keyed job string → Click → string with the late-data side output (Click) sent to a sink; the late-data
    /// side output "rejected" has no sink.
    /// </summary>
    public static StreamJob ClickCounts(string name, SerializerRegistry? serializers)
    {
        var builder = StreamJobBuilder.Create(name);
        if (serializers is not null)
        {
            builder.WithSerializers(serializers);
        }

        return builder
            .FromSource("clicks", new NoSource<Click>(), WatermarkStrategy<Click>.NoWatermarks())
            .KeyBy(c => c.User)
            .Process("count", () => WindowOperators.For<string, Click>(TumblingEventTimeWindows.Of(TimeSpan.FromSeconds(1)))
                .Aggregate(new CountAggregate(), new Label()))
            .SideOutputTo(OutputTags.LateData<Click>(), new NoSink<Click>())
            .To(new NoSink<string>())
            .Build();
    }

    private sealed class NoSource<T> : ISourceConnector<T>
    {
        public Source<(string Partition, Source<IReadOnlyList<SourceRecord<T>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets) =>
            throw new NotSupportedException("build-only job");
    }

    private sealed class NoSink<T> : ISinkConnector<T>
    {
        public Sink<T, Task<Done>> Sink() => throw new NotSupportedException("build-only job");
    }
}
