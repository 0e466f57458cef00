using System.Collections.Concurrent;
using ActorFlow.Topology.Connectors;
using Akka;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Tests;

/// <summary>
/// An exactly-once (two-phase-commit) in-memory sink of strings: each prepare closes a pending "file" (f1, f2, …) of the
/// records written since, commit makes files visible (in file order), recovery commits the named ones and drops the rest.
/// </summary>
internal sealed class MemoryTwoPhaseSink : ITwoPhaseCommitSink<string>
{
    private readonly ConcurrentDictionary<string, List<string>> _pending = new();
    private readonly ConcurrentDictionary<string, List<string>> _committed = new();
    private int _written;
    private int _files;

    public int Written => Volatile.Read(ref _written);

    public IReadOnlyList<string> Committed => [.. _committed.OrderBy(f => int.Parse(f.Key[1..])).SelectMany(f => f.Value)];

    public IReadOnlyList<string> PendingNames => [.. _pending.Keys];

    public Sink<string, Task<Done>> Sink() => Akka.Streams.Dsl.Sink.Ignore<string>();

    public ITwoPhaseCommitWriter<string> CreateWriter() => new Writer(this);

    public Task CommitAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken)
    {
        foreach (var name in committables)
        {
            if (_pending.TryRemove(name, out var records))
            {
                _committed[name] = records;
            }
        }

        return Task.CompletedTask;
    }

    public Task RecoverAsync(IReadOnlyList<string> committables, CancellationToken cancellationToken)
    {
        CommitAsync(committables, cancellationToken);
        foreach (var name in _pending.Keys.Except(committables))
        {
            _pending.TryRemove(name, out _);
        }

        return Task.CompletedTask;
    }

    private sealed class Writer(MemoryTwoPhaseSink sink) : ITwoPhaseCommitWriter<string>
    {
        private List<string> _current = [];

        public ValueTask WriteAsync(IReadOnlyList<string> records, CancellationToken cancellationToken)
        {
            _current.AddRange(records);
            Interlocked.Add(ref sink._written, records.Count);
            return ValueTask.CompletedTask;
        }

        public ValueTask<IReadOnlyList<string>> PrepareCommitAsync(long checkpointId, CancellationToken cancellationToken)
        {
            if (_current.Count == 0)
            {
                return ValueTask.FromResult<IReadOnlyList<string>>([]);
            }

            var name = "f" + Interlocked.Increment(ref sink._files);
            sink._pending[name] = _current;
            _current = [];
            return ValueTask.FromResult<IReadOnlyList<string>>([name]);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
