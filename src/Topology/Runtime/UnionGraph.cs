using ActorFlow.Topology.Connectors;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// INTERNAL API. Merges the element streams of several sources. Each element leaves with the minimum of the
/// latest watermarks of all inputs; an input that has not reported one yet holds the union at its minimum.
/// </summary>
internal static class UnionGraph
{
    public static Source<Element<T>, ISourceControl> Build<T>(IReadOnlyList<Source<Element<T>, ISourceControl>> inputs)
    {
        var controls = new ISourceControl?[inputs.Count];
        Source<(int Input, Element<T> Element), ISourceControl> merged = Tag(inputs[0], 0, controls);
        for (var i = 1; i < inputs.Count; i++)
        {
            merged = merged.Merge(Tag(inputs[i], i, controls).MapMaterializedValue(_ => (ISourceControl)null!))
                .MapMaterializedValue(c => c);
        }

        return merged
            .StatefulSelectMany<(int Input, Element<T> Element), Element<T>, ISourceControl>(() =>
            {
                var watermarks = Enumerable.Repeat(long.MinValue, inputs.Count).ToArray();
                return x =>
                {
                    watermarks[x.Input] = Math.Max(watermarks[x.Input], x.Element.Watermark);
                    return [x.Element with { Watermark = watermarks.Min() }];
                };
            })
            .MapMaterializedValue(_ => (ISourceControl)new CompositeControl(controls));
    }

    private static Source<(int, Element<T>), ISourceControl> Tag<T>(Source<Element<T>, ISourceControl> input, int index, ISourceControl?[] controls) =>
        input.Select(e => (index, e)).MapMaterializedValue(c =>
        {
            controls[index] = c;
            return c;
        });

    private sealed class CompositeControl(ISourceControl?[] controls) : ISourceControl
    {
        public Task StopAsync() => Task.WhenAll(Each(c => c.StopAsync()));

        public Task ShutdownAsync() => Task.WhenAll(Each(c => c.ShutdownAsync()));

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => Task.WhenAll(Each(c => c.CommitAsync(nextOffsets)));

        private IEnumerable<Task> Each(Func<ISourceControl, Task> action) => controls.Where(c => c is not null).Select(c => action(c!));
    }
}
