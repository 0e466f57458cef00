using System.Collections.Immutable;
using ActorFlow.Topology.Connectors;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. Merges the chunk streams of several sources. Each chunk leaves with the minimum of the latest
/// watermarks of the inputs that are not idle (a source whose inputs all went idle, e.g. an empty topic read with
/// <c>WithIdleness</c>, is left out until it reports records again; with every input idle the watermark stays); an input
/// that has not reported one yet holds the union at its minimum. The union's watermark never goes back.
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
                var watermarks = Enumerable.Repeat(long.MinValue, inputs.Count).ToArray();
                var idle = new bool[inputs.Count];
                var combined = long.MinValue;
                return x =>
                {
                    watermarks[x.Input] = Math.Max(watermarks[x.Input], x.Chunk.Watermark);
                    idle[x.Input] = x.Chunk.IsTick && x.Chunk.SourceIdle;
                    var min = long.MaxValue;
                    var active = false;
                    for (var i = 0; i < watermarks.Length; i++)
                    {
                        if (!idle[i])
                        {
                            active = true;
                            min = Math.Min(min, watermarks[i]);
                        }
                    }

                    if (active)
                    {
                        combined = Math.Max(combined, min);
                    }

                    return [x.Chunk.WithWatermark(combined)];
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
