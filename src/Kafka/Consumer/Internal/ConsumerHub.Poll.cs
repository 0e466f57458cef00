using System.Diagnostics;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Consumer.Internal;

/// <summary>INTERNAL API. The poll thread: everything here runs on it.</summary>
internal sealed partial class ConsumerHub<TKey, TValue>
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan EndCheckInterval = TimeSpan.FromMilliseconds(200);
    private readonly List<ConsumeResult<TKey, TValue>> _polled = new();
    private readonly HashSet<PartitionBuffer<TKey, TValue>> _touched = new();
    private IAdminClient? _probe;
    private long _unhealthySince = -1;
    private long _lastProbe;
    private Error? _lastError;
    private long _lastEndCheck;

    private void PollLoop()
    {
        var consumer = _consumer!;

        // Not connected until a broker answers: an unreachable bootstrap.servers fails within the connection timeout
        // even when librdkafka reports no error (a manual assignment needs no broker to be "assigned").
        _unhealthySince = Stopwatch.GetTimestamp();
        try
        {
            switch (_subscription)
            {
                case TopicSubscription topics:
                    consumer.Subscribe(topics.Topics);
                    break;
                case ManualAssignment manual:
                    var starts = ResolveStarts ? Resolve(consumer, manual.Partitions) : [.. manual.Partitions];
                    consumer.Assign(starts);
                    OnAssigned(starts.Select(p => p.TopicPartition).ToList(), manualAssign: true, starts);
                    break;
                default:
                    throw new NotSupportedException($"Unknown subscription {_subscription.GetType().Name}.");
            }

            while (!_shutdownRequested && _failure is null)
            {
                while (_commands.TryDequeue(out var command))
                {
                    command();
                }

                RunCommits();
                var idle = !PollOnce(consumer);
                CheckEnds(consumer, idle);
                CheckHealth(consumer);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Any exception: also one a user's callback threw in a rebalance (OffsetsOnAssign looking offsets up in the
            // user's store), which Confluent rethrows from Consume. Escaping this thread would end the process; failing
            // the consumer fails its stages, and a job fails over.
            Fail(e);
        }
        finally
        {
            Close(consumer);
        }
    }

    /// <summary>Polls one burst into the partitions' buffers; false when the consumer had nothing.</summary>
    internal bool PollOnce(IConsumer<TKey, TValue> consumer)
    {
        var first = Consume(consumer, _settings.PollTimeout);
        if (first is null)
        {
            return false;
        }

        _unhealthySince = -1;
        _connected.TrySetResult();
        _polled.Add(first);
        while (_polled.Count < _settings.MaxBatch && Consume(consumer, TimeSpan.Zero) is { } next)
        {
            _polled.Add(next);
        }

        List<Action> waiters;
        List<TopicPartition>? toPause = null;
        lock (_lock)
        {
            PartitionBuffer<TKey, TValue>? buffer = null;
            foreach (var record in _polled)
            {
                // A poll returns runs of one partition (a fetched batch at a time): look the buffer up once per run,
                // not per record (ConsumeResult.TopicPartition allocates, and hashing it hashes the topic name).
                if (buffer is null || buffer.Partition.Partition.Value != record.Partition.Value || !string.Equals(buffer.Partition.Topic, record.Topic, StringComparison.Ordinal))
                {
                    if (!_buffers.TryGetValue(record.TopicPartition, out buffer))
                    {
                        continue; // not assigned (a guard: OnRevoked already dropped records of revoked partitions)
                    }

                    _touched.Add(buffer);
                }

                buffer.Records.Enqueue(record);
                if (!buffer.Paused && buffer.Records.Count >= _highWater)
                {
                    buffer.Paused = true;
                    (toPause ??= []).Add(buffer.Partition);
                }
            }

            waiters = CollectWaiters(all: false, _touched);
        }

        _polled.Clear();
        _touched.Clear();
        if (toPause is not null)
        {
            consumer.Pause(toPause);
        }

        Notify(waiters);
        return true;
    }

    /// <summary>
    /// Bounded partitions (<see cref="ManualAssignment.Ends"/>) whose position reached their end are marked ended, so that
    /// their sub-sources complete once their records are taken. The position, not the last record, decides: offsets
    /// before the end may hold nothing a consumer returns (a transaction's commit or abort marker, records of an aborted
    /// transaction under read_committed), as in Flink's bounded KafkaSource. Checked when the consumer is idle, and at
    /// most every 200 ms while it is busy with other partitions.
    /// </summary>
    private void CheckEnds(IConsumer<TKey, TValue> consumer, bool idle)
    {
        if (_subscription is not ManualAssignment { Ends: { Count: > 0 } ends } || (!idle && Stopwatch.GetElapsedTime(_lastEndCheck) < EndCheckInterval))
        {
            return;
        }

        _lastEndCheck = Stopwatch.GetTimestamp();
        List<Action>? waiters = null;
        foreach (var (partition, end) in ends)
        {
            PartitionBuffer<TKey, TValue>? buffer;
            lock (_lock)
            {
                if (!_buffers.TryGetValue(partition, out buffer) || buffer.Ended)
                {
                    continue;
                }
            }

            if (consumer.Position(partition).Value < end)
            {
                continue;
            }

            lock (_lock)
            {
                buffer.Ended = true;
                if (buffer.Waiter is { } waiter)
                {
                    (waiters ??= []).Add(waiter);
                    buffer.Waiter = null;
                }
            }
        }

        if (waiters is not null)
        {
            Notify(waiters);
        }
    }

    private ConsumeResult<TKey, TValue>? Consume(IConsumer<TKey, TValue> consumer, TimeSpan timeout)
    {
        var result = consumer.Consume(timeout);
        return result is null || result.IsPartitionEOF ? null : result;
    }

    internal List<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions, bool manualAssign = false, IReadOnlyList<TopicPartitionOffset>? manualStarts = null)
    {
        // Where each partition starts: a manual assignment's own (resolved before it was assigned), else the offsets the
        // subscription chooses, made concrete here when asked (before the partitions are announced, so that each
        // partition's source can tell where it starts before its first record).
        List<TopicPartitionOffset> starts;
        if (manualAssign)
        {
            starts = manualStarts is null ? [.. partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset))] : [.. manualStarts];
        }
        else
        {
            var chosen = _subscription is TopicSubscription { OffsetsOnAssign: { } offsets } ? offsets(partitions).ToDictionary(o => o.TopicPartition) : [];
            starts = [.. partitions.Select(p => chosen.TryGetValue(p, out var o) ? o : new TopicPartitionOffset(p, Offset.Unset))];
            if (ResolveStarts && _consumer is { } consumer)
            {
                var newToRun = NewToRun(consumer, partitions);
                starts = Resolve(consumer, AfterHandedOut(starts), newToRun);
                KeepNewUntilResolved(starts, newToRun);
            }
        }

        var generation = Interlocked.Increment(ref _generation);
        var assigned = new List<(TopicPartition, int)>(partitions.Count);
        lock (_lock)
        {
            foreach (var start in starts)
            {
                var tp = start.TopicPartition;
                _buffers[tp] = new PartitionBuffer<TKey, TValue>(tp, generation) { Start = ResolveStarts && start.Offset.Value >= 0 ? start.Offset.Value : null };
                if (!_order.Contains(tp))
                {
                    _order.Add(tp);
                }

                _committed.Remove(tp);
                assigned.Add((tp, generation));
            }
        }

        if (!manualAssign)
        {
            _unhealthySince = -1; // the group coordinator answered
            _connected.TrySetResult();
        }

        // librdkafka keeps a partition's pause (the hub pauses a partition whose buffer is full) across a revoke and a
        // new assignment: a partition paused when a rebalance took it away would come back paused to a fresh buffer
        // that never resumes it, and deliver nothing more. Resume them once the assignment is in place (after this
        // callback, on the next turn of the poll loop), unless the hub paused the new buffer by then.
        Enqueue(() => ResumeAssigned(assigned));
        _listener.OnAssigned(assigned);
        return starts;
    }

    private void ResumeAssigned(List<(TopicPartition Partition, int Generation)> assigned)
    {
        if (_stopped || _consumer is not { } consumer)
        {
            return;
        }

        List<TopicPartition> resume;
        lock (_lock)
        {
            resume = [.. assigned
                .Where(a => _buffers.TryGetValue(a.Partition, out var buffer) && buffer.Generation == a.Generation && !buffer.Paused)
                .Select(a => a.Partition)];
        }

        if (resume.Count > 0)
        {
            consumer.Resume(resume);
        }
    }

    internal void OnRevoked(List<TopicPartition> partitions)
    {
        // Rebalance callbacks run inside Consume, so records of these partitions polled earlier in this burst are
        // not filed yet: drop them (their next owner reads them again from the committed offset). Filed later, they
        // would land in the buffer of a new assignment of the same partition and be delivered twice.
        if (_polled.Count > 0)
        {
            var revoked = partitions.ToHashSet();
            _polled.RemoveAll(r => revoked.Contains(r.TopicPartition));
        }

        List<Action> waiters;
        lock (_lock)
        {
            var removed = new List<PartitionBuffer<TKey, TValue>>();
            foreach (var tp in partitions)
            {
                if (_buffers.Remove(tp, out var buffer))
                {
                    removed.Add(buffer);
                    RememberHandedOut(buffer);
                }

                _order.Remove(tp);
                _committed.Remove(tp);
            }

            _roundRobin = 0;
            waiters = CollectWaiters(all: false, removed);
        }

        _listener.OnRevoked(partitions);
        Notify(waiters);
    }

    private void ResumeOnPollThread(TopicPartition partition, int generation)
    {
        lock (_lock)
        {
            if (!_buffers.TryGetValue(partition, out var buffer) || buffer.Generation != generation)
            {
                return;
            }

            buffer.Paused = false;
            buffer.ResumeQueued = false;
        }

        if (!_stopped)
        {
            _consumer!.Resume([partition]);
        }
    }

    private void CommitOnPollThread(IReadOnlyList<PendingCommit> offsets, TaskCompletionSource done)
    {
        var toCommit = new List<TopicPartitionOffset>(offsets.Count);
        lock (_lock)
        {
            foreach (var o in offsets)
            {
                // Skip partitions this consumer no longer owns (or owned in an older assignment): their new owner
                // commits them, and a stale commit here could move the group's offset backwards.
                if (_buffers.TryGetValue(o.Partition, out var b) && b.Generation == o.Generation &&
                    (!_committed.TryGetValue(o.Partition, out var last) || o.NextOffset > last))
                {
                    toCommit.Add(new TopicPartitionOffset(o.Partition, o.NextOffset));
                }
            }
        }

        if (toCommit.Count == 0)
        {
            done.TrySetResult();
            return;
        }

        try
        {
            _consumer!.Commit(toCommit);
            lock (_lock)
            {
                foreach (var o in toCommit)
                {
                    _committed[o.TopicPartition] = o.Offset.Value;
                }
            }

            done.TrySetResult();
        }
        catch (KafkaException e) when (IsRebalanceError(e.Error.Code))
        {
            done.TrySetResult(); // ownership moved while committing; the new owner replays from its committed offset
        }
        catch (KafkaException e)
        {
            done.TrySetException(e);
        }
    }

    private static bool IsRebalanceError(ErrorCode code) =>
        code is ErrorCode.RebalanceInProgress or ErrorCode.IllegalGeneration or ErrorCode.UnknownMemberId
            or ErrorCode.StaleMemberEpoch or ErrorCode.FencedMemberEpoch or ErrorCode.Local_State or ErrorCode.Local_UnknownPartition;

    private void OnClientError(Error error)
    {
        if (error.IsFatal)
        {
            Fail(new KafkaException(error));
            return;
        }

        _lastError = error;
        if (_unhealthySince < 0 && error.Code is ErrorCode.Local_AllBrokersDown or ErrorCode.Local_Transport or ErrorCode.Local_Resolve)
        {
            _unhealthySince = Stopwatch.GetTimestamp();
        }
    }

    private void CheckHealth(IConsumer<TKey, TValue> consumer)
    {
        if (_unhealthySince < 0)
        {
            return;
        }

        if (Stopwatch.GetElapsedTime(_unhealthySince) >= _settings.ConnectionTimeout)
        {
            var when = _connected.Task.IsCompleted ? "answered for" : "answered within";
            Fail(new KafkaException(new Error(_lastError?.Code ?? ErrorCode.Local_AllBrokersDown,
                $"{Settings.KafkaDefaults.ConsumerPath}: no broker of bootstrap.servers = '{_settings.BootstrapServers}' {when} connection-timeout = {_settings.ConnectionTimeout.TotalSeconds:0.###}s: "
                + $"{_lastError?.Reason ?? "no answer"} ({_lastError?.Code ?? ErrorCode.Local_AllBrokersDown})")));
            return;
        }

        if (Stopwatch.GetElapsedTime(_lastProbe) < ProbeInterval)
        {
            return;
        }

        _lastProbe = Stopwatch.GetTimestamp();
        try
        {
            _probe ??= new DependentAdminClientBuilder(consumer.Handle).Build();
            var metadata = _probe.GetMetadata(TimeSpan.FromMilliseconds(500));
            if (metadata.Brokers.Count > 0 && (metadata.Topics.Count > 0 || !_connected.Task.IsCompleted))
            {
                _unhealthySince = -1;
                _connected.TrySetResult();
            }
        }
        catch (KafkaException e)
        {
            _lastError ??= e.Error; // still unreachable: the connection timeout decides
        }
    }

    private void Fail(Exception error)
    {
        List<Action> waiters;
        lock (_lock)
        {
            if (_failure is not null)
            {
                return;
            }

            _failure = error;
            waiters = CollectWaiters(all: true);
        }

        _connected.TrySetException(error);

        _listener.OnFailed(error);
        Notify(waiters);
    }

    internal void Close(IConsumer<TKey, TValue> consumer)
    {
        while (_commands.TryDequeue(out var command))
        {
            command();
        }

        RunCommits(); // finish commits queued before the shutdown

        try
        {
            _probe?.Dispose();
            if (_failure is null)
            {
                consumer.Close();
            }
        }
        catch (KafkaException)
        {
            // closing a consumer whose broker is gone: nothing left to save
        }
        finally
        {
            consumer.Dispose();
            _connected.TrySetCanceled(); // shut down before any broker answered
            _shutdown.TrySetResult();
            AbandonCommits();           // queued while the consumer closed: they fail, they do not hang
        }
    }
}
