using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;
using Akka.Util;

namespace ActorFlow.Topology.Tests;

/// <summary>
/// An unbounded in-memory source of one partition (push/0): what the test pushes, one record per chunk stamped with the wall
/// clock, from the start offset on; a new run of the job reads on from its checkpoint's offset.
/// </summary>
internal sealed class PushSource : ISourceConnector<string>
{
    private readonly List<string> _pushed = [];
    private readonly Lock _gate = new();

    public static string Id => SourcePartitionIds.Format("push", 0);

    public void Push(string value)
    {
        lock (_gate)
        {
            _pushed.Add(value);
        }
    }

    public Source<(string Partition, Source<IReadOnlyList<SourceRecord<string>>, NotUsed> Records), ISourceControl> Partitions(IReadOnlyDictionary<string, long> startOffsets)
    {
        var control = new StoppableControl();
        var stopped = new CancellationTokenSource();
        var from = (int)startOffsets.GetValueOrDefault(Id, 0);
        var records = Source.UnfoldAsync<int, IReadOnlyList<SourceRecord<string>>>(from, async i =>
        {
            while (!stopped.IsCancellationRequested)
            {
                lock (_gate)
                {
                    if (_pushed.Count > i)
                    {
                        IReadOnlyList<SourceRecord<string>> chunk = [new SourceRecord<string>(_pushed[i], TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), Id, i)];
                        return Option<(int, IReadOnlyList<SourceRecord<string>>)>.Create((i + 1, chunk));
                    }
                }

                await Task.Delay(20).ConfigureAwait(false);
            }

            return Option<(int, IReadOnlyList<SourceRecord<string>>)>.None;
        });
        return Source.Single((Id, records))
            .Concat(control.UntilStopped<(string, Source<IReadOnlyList<SourceRecord<string>>, NotUsed>)>())
            .MapMaterializedValue(ISourceControl (_) => new Control(control, stopped));
    }

    private sealed class Control(StoppableControl inner, CancellationTokenSource stopped) : ISourceControl
    {
        public async Task StopAsync()
        {
            await stopped.CancelAsync().ConfigureAwait(false);
            await inner.StopAsync().ConfigureAwait(false);
        }

        public Task ShutdownAsync() => StopAsync();

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) => Task.CompletedTask;
    }
}
