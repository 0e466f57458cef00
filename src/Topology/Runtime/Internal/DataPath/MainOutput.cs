using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>INTERNAL API. The main output of a job: the main records of each dispatched batch, in order, into the user's sink.</summary>
internal static class MainOutput
{
    public static Sink<IReadOnlyList<Emitted>, Task<Done>> Sink<TOut>(ISinkConnector<TOut> sink) =>
        Flow.Create<IReadOnlyList<Emitted>>()
            .SelectMany(Values<TOut>)
            .ToMaterialized(sink.Sink(), Keep.Right);

    private static IEnumerable<TOut> Values<TOut>(IReadOnlyList<Emitted> batch)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            if (batch[i].Kind == EmittedKind.Main)
            {
                yield return (TOut)batch[i].Value!;
            }
        }
    }
}
