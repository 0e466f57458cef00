using System.Diagnostics;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Benchmarks.Runtime;

/// <summary>
/// A job sink that only counts in memory (an <see cref="ISinkConnector{T}"/> over <see cref="Sink.ForEach{T}"/>), so the
/// sink is never the bottleneck. It adds <c>weight(value)</c> per record and completes <see cref="Done"/> with the
/// Stopwatch time of the record that reaches <see cref="Expected"/>. <paramref name="onRecord"/> runs on the sink's
/// stream thread (one at a time).
/// </summary>
public sealed class CountingSink<T>(long expected, Func<T, long> weight, Action<T>? onRecord = null) : ISinkConnector<T>
{
    private readonly TaskCompletionSource<long> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _total;

    /// <summary>The sum of weights to reach.</summary>
    public long Expected => expected;

    /// <summary>The sum of weights so far.</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Completes with the Stopwatch timestamp at which <see cref="Expected"/> was reached.</summary>
    public Task<long> Done => _done.Task;

    /// <inheritdoc />
    public Sink<T, Task<Done>> Sink() => Akka.Streams.Dsl.Sink.ForEach<T>(value =>
    {
        onRecord?.Invoke(value);
        if (Interlocked.Add(ref _total, weight(value)) >= expected)
        {
            _done.TrySetResult(Stopwatch.GetTimestamp());
        }
    });
}
