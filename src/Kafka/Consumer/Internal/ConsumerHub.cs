using System.Collections.Concurrent;
using ActorFlow.Kafka.Internal;
using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>
/// INTERNAL API. Owns one Confluent consumer and the thread that polls it. Every call on the consumer happens on
/// that thread (commands are queued to it), so rebalance callbacks, commits, pause/resume and seeks never race.
/// Consumed records wait in one bounded buffer per partition; a full buffer pauses its partition (librdkafka then
/// re-fetches from the position after the last record returned, so nothing is lost or repeated).
/// Stages take records with <see cref="Take"/> on their own thread and are called back when more arrive.
/// </summary>
internal sealed partial class ConsumerHub<TKey, TValue> : ICommitTarget, IDisposable
{
    private readonly ConsumerSettings<TKey, TValue> _settings;
    private readonly ISubscription _subscription;
    private readonly IHubListener _listener;
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly ConcurrentQueue<(IReadOnlyList<PendingCommit> Offsets, TaskCompletionSource Done)> _commits = new();
    private readonly object _lock = new();
    private readonly Dictionary<TopicPartition, PartitionBuffer<TKey, TValue>> _buffers = new();
    private readonly List<TopicPartition> _order = new();
    private readonly Dictionary<TopicPartition, long> _committed = new();
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly int _highWater;
    private readonly int _lowWater;
    private IConsumer<TKey, TValue>? _consumer;
    private Thread? _thread;
    private Action? _anyWaiter;
    private int _roundRobin;
    private int _generation;
    private volatile bool _stopped;
    private volatile bool _shutdownRequested;
    private volatile Exception? _failure;

    public ConsumerHub(ConsumerSettings<TKey, TValue> settings, ISubscription subscription, IHubListener listener)
    {
        _settings = settings;
        _subscription = subscription;
        _listener = listener;
        _highWater = Math.Max(1000, settings.MaxBatch * 4);
        _lowWater = _highWater / 2;
    }

    public Exception? Failure => _failure;

    public Task IsShutdown => _shutdown.Task;

    public bool IsStopped => _stopped;

    /// <summary>
    /// Completes when a broker of <c>bootstrap.servers</c> first answered (or partitions were assigned); fails with the
    /// hub's error when none answered within the connection timeout.
    /// </summary>
    public Task Connected => _connected.Task;

    /// <summary>Builds the consumer (validating the settings on the caller's thread) and starts polling; librdkafka logs to <paramref name="log"/>.</summary>
    public void Start(string name, KafkaClientLog log)
    {
        try
        {
            Build(log);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Settings librdkafka refuses (an unknown or invalid property): the source is never connected, so a job's
            // start fails with the reason instead of starting and then failing over without end.
            _connected.TrySetException(e);
            throw;
        }

        _thread = new Thread(PollLoop) { IsBackground = true, Name = "actorflow-kafka-" + name };
        _thread.Start();
    }

    private void Build(KafkaClientLog log)
    {
        var config = _settings.ToConsumerConfig(needsGroup: _subscription is TopicSubscription);
        _consumer = new ConsumerBuilder<TKey, TValue>(config)
            .SetKeyDeserializer(_settings.KeyDeserializer)
            .SetValueDeserializer(_settings.ValueDeserializer)
            .SetLogHandler(log.OnLog)
            .SetErrorHandler((client, e) =>
            {
                log.OnError(client, e);
                OnClientError(e);
            })
            .SetPartitionsAssignedHandler((_, tps) => OnAssigned(tps))
            .SetPartitionsRevokedHandler((_, tps) => OnRevoked(tps.Select(t => t.TopicPartition).ToList()))
            .SetPartitionsLostHandler((_, tps) => OnRevoked(tps.Select(t => t.TopicPartition).ToList()))
            .Build();
    }

    /// <summary>
    /// Moves up to <paramref name="max"/> records of <paramref name="partition"/> (or of any partition, fairly, when
    /// null) into <paramref name="into"/>. When there are none, <paramref name="waiter"/> is called once more arrive.
    /// </summary>
    public TakeStatus Take(TopicPartition? partition, int generation, List<Polled<TKey, TValue>> into, int max, Action waiter)
    {
        lock (_lock)
        {
            if (_failure is not null)
            {
                return TakeStatus.Failed;
            }

            if (_stopped)
            {
                return TakeStatus.Completed;
            }

            if (partition is not null)
            {
                if (!_buffers.TryGetValue(partition, out var buffer) || buffer.Generation != generation)
                {
                    return TakeStatus.Completed;
                }

                if (TakeFrom(buffer, into, max) > 0)
                {
                    return TakeStatus.Data;
                }

                if (buffer.Ended)
                {
                    return TakeStatus.Completed;
                }

                buffer.Waiter = waiter;
                return TakeStatus.Empty;
            }

            var taken = 0;
            for (var i = 0; i < _order.Count && taken < max; i++)
            {
                _roundRobin = (_roundRobin + 1) % _order.Count;
                taken += TakeFrom(_buffers[_order[_roundRobin]], into, max - taken);
            }

            if (taken > 0)
            {
                return TakeStatus.Data;
            }

            _anyWaiter = waiter;
            return TakeStatus.Empty;
        }
    }

    /// <summary>Whether <paramref name="partition"/> is assigned in <paramref name="generation"/> still (not revoked, not assigned again since).</summary>
    public bool IsCurrent(TopicPartition partition, int generation)
    {
        lock (_lock)
        {
            return _buffers.TryGetValue(partition, out var buffer) && buffer.Generation == generation;
        }
    }

    /// <summary>Stops handing out records (takes answer Completed); the consumer stays open for commits.</summary>
    public void Stop()
    {
        List<Action> waiters;
        lock (_lock)
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            waiters = CollectWaiters(all: true);
        }

        Enqueue(() =>
        {
            var assigned = _consumer!.Assignment;
            if (assigned.Count > 0)
            {
                _consumer.Pause(assigned);
            }
        });
        Notify(waiters);
        _listener.OnStopped();
    }

    /// <summary>Closes the consumer (leaving the group); <see cref="IsShutdown"/> completes when it is closed.</summary>
    public Task ShutdownAsync()
    {
        Stop();
        _shutdownRequested = true;
        if (_thread is null)
        {
            _shutdown.TrySetResult();
            AbandonCommits();
        }

        return _shutdown.Task;
    }

    public void Dispose() => ShutdownAsync();

    /// <inheritdoc />
    public Task CommitAsync(IReadOnlyList<PendingCommit> offsets)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _commits.Enqueue((offsets, done));
        if (_shutdown.Task.IsCompleted)
        {
            // The poll thread may have taken its last commit just before this one: never leave a commit pending (a
            // checkpoint's completion, and a failover behind it, would wait for it forever).
            AbandonCommits();
        }

        return WithinCommitTimeout(done.Task, offsets.Count);
    }

    // The commit runs on the poll thread and waits for the group coordinator as long as it takes (Confluent's Commit has
    // no limit): its caller learns of a commit not answered within commit-timeout, as Akka.Streams.Kafka's
    // CommitTimeoutException tells it; the commit itself may still land later.
    private async Task WithinCommitTimeout(Task commit, int count)
    {
        using var timer = new CancellationTokenSource();
        if (await Task.WhenAny(commit, Task.Delay(_settings.CommitTimeout, timer.Token)).ConfigureAwait(false) == commit)
        {
            await timer.CancelAsync().ConfigureAwait(false);
            await commit.ConfigureAwait(false); // its own outcome, however close to the limit it came
            return;
        }

        // Nobody awaits the commit any more: observe its failure, should one come.
        _ = commit.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        throw new TimeoutException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"The Kafka commit of {count} offset(s) was not answered within commit-timeout ({_settings.CommitTimeout.TotalSeconds:0.###} s); it may still land later"));
    }

    /// <summary>Fails every commit still queued: the consumer is closed (called after <see cref="IsShutdown"/> completed).</summary>
    private void AbandonCommits()
    {
        while (_commits.TryDequeue(out var commit))
        {
            commit.Done.TrySetException(new InvalidOperationException("The Kafka consumer is closed; its offsets can no longer be committed."));
        }
    }

    /// <summary>Runs the commits queued so far (on the poll thread).</summary>
    private void RunCommits()
    {
        while (_commits.TryDequeue(out var commit))
        {
            CommitOnPollThread(commit.Offsets, commit.Done);
        }
    }

    /// <summary>Commits next offsets for the partitions owned now, whatever assignment they were read in.</summary>
    public Task CommitCurrentAsync(IReadOnlyList<TopicPartitionOffset> nextOffsets)
    {
        if (string.IsNullOrWhiteSpace(_settings.GroupId))
        {
            // No consumer group to commit to (a manual assignment without group.id): as Flink's KafkaSource, which turns
            // its commit on checkpoint off without one. The checkpoint alone keeps the positions.
            return Task.CompletedTask;
        }

        List<PendingCommit> pending;
        lock (_lock)
        {
            pending = nextOffsets
                .Where(o => _buffers.ContainsKey(o.TopicPartition))
                .Select(o => new PendingCommit(o.TopicPartition, o.Offset.Value, _buffers[o.TopicPartition].Generation))
                .ToList();
        }

        return pending.Count == 0 ? Task.CompletedTask : CommitAsync(pending);
    }

    private void Enqueue(Action command) => _commands.Enqueue(command);

    private int TakeFrom(PartitionBuffer<TKey, TValue> buffer, List<Polled<TKey, TValue>> into, int max)
    {
        var n = 0;
        while (n < max && buffer.Records.TryDequeue(out var record))
        {
            into.Add(new Polled<TKey, TValue>(record, buffer.Generation));
            n++;
        }

        if (n > 0)
        {
            buffer.Next = into[^1].Record.Offset.Value + 1;
        }

        if (buffer.Paused && !buffer.ResumeQueued && buffer.Records.Count <= _lowWater)
        {
            buffer.ResumeQueued = true;
            var partition = buffer.Partition;
            var generation = buffer.Generation;
            Enqueue(() => ResumeOnPollThread(partition, generation));
        }

        return n;
    }

    private List<Action> CollectWaiters(bool all, IEnumerable<PartitionBuffer<TKey, TValue>>? buffers = null)
    {
        var waiters = new List<Action>();
        if (_anyWaiter is not null)
        {
            waiters.Add(_anyWaiter);
            _anyWaiter = null;
        }

        foreach (var b in all ? _buffers.Values : buffers ?? [])
        {
            if (b.Waiter is not null)
            {
                waiters.Add(b.Waiter);
                b.Waiter = null;
            }
        }

        return waiters;
    }

    private static void Notify(List<Action> waiters)
    {
        foreach (var w in waiters)
        {
            w();
        }
    }
}
