using System.Collections.Immutable;
using ActorFlow.Topology.Connectors;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Merges the chunk streams of several sources and combines their watermarks as Flink's
/// <c>StatusWatermarkValve</c> combines its input channels': each chunk leaves with the minimum of the latest watermarks
/// of the inputs that are active and aligned. A source whose inputs all went idle (e.g. an empty topic read with
/// <c>WithIdleness</c>) is left out until it reports records again; one that comes back behind the union's watermark
/// counts again only once its own watermark caught up (its records are late meanwhile, and it does not hold the others
/// back); when the last active input goes idle holding the union's watermark, the union moves to the highest watermark of
/// all inputs (nothing active is left to wait for). An input that has not reported one yet holds the union at its
/// minimum. The union's watermark never goes back, and reaches <see cref="Operators.Watermark.EndOfInput"/> only when
/// every source's input ended.
/// </summary>
internal static class UnionGraph
{
    public static Source<Chunk<T>, ISourceControl> Build<T>(IReadOnlyList<Source<Chunk<T>, ISourceControl>> inputs)
    {
        // The inputs' controls are collected per materialization (a Source is a blueprint that may run twice).
        var merged = Tag(inputs[0], 0).MapMaterializedValue(c => ImmutableList.Create(c));
        for (var i = 1; i < inputs.Count; i++)
        {
            merged = merged.MergeMaterialized(Tag(inputs[i], i), (controls, c) => controls.Add(c));
        }

        return merged
            .StatefulSelectMany<(int Input, Chunk<T> Chunk), Chunk<T>, ImmutableList<ISourceControl>>(() =>
            {
                var valve = new WatermarkValve(inputs.Count);
                return x =>
                {
                    var combined = valve.OnChunk(x.Input, x.Chunk.Watermark, x.Chunk.IsTick && x.Chunk.SourceIdle);
                    // The end of the input is the end of every source's: one that ended while the others are idle
                    // (left out of the minimum) moves the union to just before it, so every window fires, as Flink's
                    // maximum watermark does, but the job's input has not ended.
                    return [x.Chunk.WithWatermark(combined == Operators.Watermark.EndOfInput && !valve.AllAt(combined) ? combined - 1 : combined)];
                };
            })
            .MapMaterializedValue(controls => (ISourceControl)new CompositeControl(controls));
    }

    private static Source<(int, Chunk<T>), ISourceControl> Tag<T>(Source<Chunk<T>, ISourceControl> input, int index) =>
        input.Select(c => (index, c));

    private sealed class CompositeControl(ImmutableList<ISourceControl> controls) : ISourceControl
    {
        public Task StopAsync() => Task.WhenAll(Each(c => c.StopAsync()));

        public Task ShutdownAsync() => Task.WhenAll(Each(c => c.ShutdownAsync()));

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => Task.WhenAll(Each(c => c.CommitAsync(nextOffsets)));

        public Task Ready => Task.WhenAll(Each(c => c.Ready));

        private IEnumerable<Task> Each(Func<ISourceControl, Task> action) => controls.Select(action);
    }
}
