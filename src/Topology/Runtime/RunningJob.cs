using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Topology.Runtime.Internal;
using Akka;
using Akka.Actor;
using Akka.Event;

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// A running job: its completion, a graceful stop, checkpoints and its current watermark. A keyed job that fails
/// fails over (as Flink's restart strategy): the run is abandoned, every key group and every source partition
/// restores the last complete checkpoint, and a new run starts after the delay of
/// <see cref="JobRunnerOptions.RestartStrategy"/>; <see cref="Completion"/> fails with a
/// <see cref="JobRestartsExhaustedException"/> when the strategy gives up.
/// </summary>
public sealed class RunningJob
{
    private readonly ActorSystem _system;
    private readonly Failover _failover;
    private readonly JobRunnerOptions _options;
    private readonly RestartStrategy _strategy;
    private readonly RestartBackoff _backoff;
    private readonly ILoggingAdapter _log;
    private readonly CancellationTokenSource _stopped = new();
    private volatile JobRun _current;
    private volatile bool _stopping;
    private string? _savepointStop; // the savepoint of a stop under way (StopWithSavepointAsync), or null
    private int _released;
    private readonly List<FailoverRecord> _failovers = [];
    private long _failedBefore;
    private long _waitingTicks = -1;
    private readonly long _started;

    // watchesWatermark: whether a source makes watermarks (a job whose sources all have NoWatermarks runs on processing
    // time); then records read while the watermark stays at its start are worth a warning (WatchWatermarkAsync).
    internal RunningJob(ActorSystem system, string name, JobRun first, Failover failover, JobRunnerOptions options, ILoggingAdapter log, bool watchesWatermark = false)
    {
        _system = system;
        Name = name;
        _current = first;
        _failover = failover;
        _options = options;
        _strategy = options.RestartStrategy;
        _backoff = _strategy.Start(options.Clock, Random.Shared);
        _log = log;
        _started = options.Clock.GetTimestamp();
        Watch(first);
        Completion = SuperviseAsync();
        // Closed in the node's coordinated shutdown (ActorSystem.Terminate runs it too), before the actor system ends and
        // the node releases its checkpoint store, while the job runs (LiveJobs).
        LiveJobs.Get(system).Add(this, Completion);
        if (watchesWatermark && options.ExecutionMode == ExecutionMode.Streaming)
        {
            _ = WatchWatermarkAsync();
        }
    }

    /// <summary>The job's name.</summary>
    public string Name { get; }

    /// <summary>
    /// Completes when every sink has written everything, with the job's <see cref="JobSummary"/>: after a stop, or by
    /// itself when all the job's sources are bounded and delivered everything (<see cref="JobSummary.EndOfInput"/>:
    /// every window and timer fired at the end-of-input watermark, a final checkpoint published the exactly-once
    /// sinks' last epoch). Fails with the job's error.
    /// </summary>
    public Task<JobSummary> Completion { get; }

    /// <summary>Failovers so far: runs restarted from the last complete checkpoint after a failure.</summary>
    public int Restarts { get; private set; }

    /// <summary>The key-group entities the current run sent batches to (none when batch mode runs them in place; for tests).</summary>
    internal int EntitiesUsed => _current.KeyGroups.Count();

    /// <summary>Records read by the job's sources so far (all runs; for tests).</summary>
    internal long RecordsRead => _options.Counters.Read;

    /// <summary>The delay a failover is waiting out now (on the job's clock), or null when none is.</summary>
    internal TimeSpan? Waiting => Interlocked.Read(ref _waitingTicks) is var ticks and >= 0 ? TimeSpan.FromTicks(ticks) : null;

    /// <summary>The failovers so far, oldest first (when each failure was handled, the delay waited, when the wait ended).</summary>
    internal IReadOnlyList<FailoverRecord> Failovers
    {
        get
        {
            lock (_failovers)
            {
                return [.. _failovers];
            }
        }
    }

    /// <summary>The id of the last complete checkpoint (0 when none).</summary>
    public long LastCompletedCheckpoint => _current.Dispatcher.Checkpoints?.LastCompletedId ?? 0;

    /// <summary>Checkpoints aborted so far.</summary>
    public long FailedCheckpoints => Interlocked.Read(ref _failedBefore) + (_current.Dispatcher.Checkpoints?.Failed ?? 0);

    /// <summary>
    /// Takes a checkpoint now (at the next batch boundary, at most one watermark interval away) and completes when
    /// its record is durable; fails with <see cref="CheckpointFailedException"/> when it is aborted.
    /// </summary>
    public Task<CheckpointRecord> CheckpointAsync() =>
        _current.Dispatcher.Checkpoints?.RequestAsync() ?? throw new InvalidOperationException($"Job '{Name}' has no checkpoint coordinator.");

    /// <summary>
    /// Takes a savepoint: a checkpoint, triggered now, stored under <paramref name="name"/> (unique per job) and kept
    /// until deleted (never pruned, and neither are the snapshots it names). Start a job from it with
    /// <see cref="JobRunnerOptions.FromSavepoint"/>.
    /// </summary>
    /// <param name="name">The savepoint name: 1 to 200 characters, no white space or control characters.</param>
    /// <returns>The savepoint's record.</returns>
    /// <exception cref="InvalidOperationException">The job already has a savepoint of that name.</exception>
    /// <exception cref="CheckpointFailedException">The checkpoint failed (the job keeps running).</exception>
    public Task<CheckpointRecord> SavepointAsync(string name) =>
        _current.Dispatcher.Checkpoints is { } checkpoints
            ? Savepoints.TakeAsync(checkpoints, name)
            : throw new InvalidOperationException($"Job '{Name}' has no checkpoint coordinator.");

    /// <summary>
    /// Stops the job with a savepoint, as Flink's stop-with-savepoint: the sources' next batch is the last one processed,
    /// a final checkpoint is taken behind it and stored as the savepoint <paramref name="name"/>, its exactly-once output
    /// is published, then the job stops as <see cref="StopAsync"/> does. Nothing is processed after the savepoint (what
    /// the sources read meanwhile is dropped unread), so a job started from it (<see cref="JobRunnerOptions.FromSavepoint"/>)
    /// repeats no output, also into plain sinks, and no window or timer fires for the stop (event time stays where it
    /// was: Flink's stop without <c>--drain</c>). With <paramref name="drain"/> (Flink's <c>--drain</c>, for a job that
    /// will not be resumed), the stop ends the input instead: the watermark moves to its end, every event-time window and
    /// timer fires and reaches the sinks before the savepoint, and <see cref="JobSummary.EndOfInput"/> is true; in streaming mode pending
    /// processing-time timers do not fire (Flink's drain fires event time only), they stay in the savepoint. One stop at a
    /// time: a second call while one is under way fails.
    /// </summary>
    /// <param name="name">The savepoint name: 1 to 200 characters, no white space or control characters, unique per job.</param>
    /// <param name="timeout">How long the savepoint may take, and then how long the stop may take.</param>
    /// <param name="drain">End the input first (fire every event-time window and timer), as Flink's <c>stop --drain</c>.</param>
    /// <returns>The savepoint's record.</returns>
    /// <exception cref="InvalidOperationException">
    /// The job has no checkpoints, is stopping (also with a savepoint), failing over or has completed, or already has a
    /// savepoint of that name; or <see cref="StopAsync"/> stopped it before the savepoint was taken.
    /// </exception>
    /// <exception cref="CheckpointFailedException">
    /// The final checkpoint failed: the job fails over to its last complete checkpoint and keeps running (as Flink's job
    /// whose stop-with-savepoint failed).
    /// </exception>
    /// <exception cref="TimeoutException">
    /// The final checkpoint did not complete in time. When it had not started, the job keeps running as before; when it
    /// had, the stop goes on: the job reads nothing more, and stops once the checkpoint completes (stored as the
    /// savepoint), or fails over and reads on if it fails.
    /// </exception>
    public async Task<CheckpointRecord> StopWithSavepointAsync(string name, TimeSpan timeout, bool drain = false)
    {
        var run = _current;
        if (run.Dispatcher.Checkpoints is not { } checkpoints)
        {
            throw new InvalidOperationException($"Job '{Name}' has no checkpoint coordinator.");
        }

        if (_stopping || Completion.IsCompleted || run.Dispatcher.EndOfInput)
        {
            var state = Completion.IsCompleted ? "completed" : _stopping ? "stopping" : "ending (its bounded input ended; it completes by itself with a final checkpoint)";
            throw new InvalidOperationException($"Job '{Name}' is {state}: there is nothing to stop with a savepoint.");
        }

        if (run.Completion.IsCompleted || Waiting is not null)
        {
            throw new InvalidOperationException($"Job '{Name}' is failing over (its run failed; restart {Restarts + 1} is under way): stop it with a savepoint once it runs again, or stop it with StopAsync.");
        }

        if (Interlocked.CompareExchange(ref _savepointStop, name, null) is { } other)
        {
            throw new InvalidOperationException($"Job '{Name}' is being stopped with savepoint '{other}' already.");
        }

        var goesOn = false; // the stop continues without this call (its final checkpoint started): the job is not free again
        try
        {
            await Savepoints.RefuseTakenAsync(checkpoints, name).ConfigureAwait(false);
            var taken = run.Dispatcher.RequestStop(drain);
            CheckpointRecord final;
            try
            {
                final = await taken.WaitAsync(timeout).ConfigureAwait(false);
            }
            catch (TimeoutException) when (run.Dispatcher.CancelStop())
            {
                throw new TimeoutException($"Job '{Name}': the final checkpoint of savepoint '{name}' could not start within {Durations.Format(timeout)} (no batch boundary came); the job keeps running.");
            }
            catch (TimeoutException)
            {
                // The final checkpoint started: the stop goes on without the caller (else the job would read and drop records
                // for good): it stops the job once the checkpoint completes; a checkpoint that fails fails the run over.
                goesOn = true;
                _ = CompleteStopLaterAsync(taken, checkpoints, name, timeout);
                throw new TimeoutException($"Job '{Name}': the final checkpoint of savepoint '{name}' did not complete within {Durations.Format(timeout)}; "
                    + "the job reads nothing more and stops once it completes, or fails over to its last complete checkpoint and reads on if it fails.");
            }
            catch (InvalidOperationException e) when (_stopping)
            {
                throw new InvalidOperationException($"Job '{Name}': StopAsync stopped it before savepoint '{name}' was taken; it stopped at checkpoint {LastCompletedCheckpoint}, its last complete one.", e);
            }

            goesOn = true;
            return await CompleteStopAsync(checkpoints, final, name, timeout).ConfigureAwait(false);
        }
        finally
        {
            if (!goesOn)
            {
                Volatile.Write(ref _savepointStop, null); // refused or failed: the job runs on, and may be stopped again
            }
        }
    }

    /// <summary>A stop whose final checkpoint outlasted the caller's timeout: the job stops when it completes.</summary>
    private async Task CompleteStopLaterAsync(Task<CheckpointRecord> taken, CheckpointCoordinator checkpoints, string name, TimeSpan timeout)
    {
        try
        {
            await CompleteStopAsync(checkpoints, await taken.ConfigureAwait(false), name, timeout).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Volatile.Write(ref _savepointStop, null); // the job runs on (its run fails over), and may be stopped again
            _log.Warning("Job {0}: the stop with savepoint '{1}' did not complete ({2}: {3})", Name, name, e.GetType().Name, e.Message);
        }
    }

    /// <summary>The stop's final checkpoint is complete: it becomes the savepoint, and the job stops.</summary>
    private async Task<CheckpointRecord> CompleteStopAsync(CheckpointCoordinator checkpoints, CheckpointRecord final, string name, TimeSpan timeout)
    {
        _log.Info("Job {0}: checkpoint {1} is its last before the stop; stored as savepoint '{2}'", Name, final.CheckpointId, name);
        CheckpointRecord? savepoint = null;
        Exception? unnamed = null;
        try
        {
            savepoint = await Savepoints.PromoteFinalAsync(checkpoints, final, name).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            unnamed = e; // the job stops all the same: its final checkpoint is its latest, which a start resumes from
        }

        await StopAsync(timeout).ConfigureAwait(false);
        if (unnamed is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(unnamed);
        }

        return savepoint!;
    }

    /// <summary>The job's current watermark (epoch ms; <see cref="long.MinValue"/> before the first).</summary>
    public long CurrentWatermark => _current.Dispatcher.Watermark;

    /// <summary>Stops reading, lets the batches in flight reach the sinks, then releases the sources.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        _stopping = true;
        await _stopped.CancelAsync().ConfigureAwait(false); // a failover waiting for its delay stops waiting
        var run = _current;
        try
        {
            await run.Control.StopAsync().ConfigureAwait(false);
            await Completion.WaitAsync(timeout).ConfigureAwait(false);
        }
        finally
        {
            await run.Control.ShutdownAsync().ConfigureAwait(false);
            if (!ReferenceEquals(run, _current))
            {
                await _current.Control.ShutdownAsync().ConfigureAwait(false);
            }

            if (Completion.IsCompleted)
            {
                await ReleaseKeyGroupsAsync(_current).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The stopped run's key groups stop (once their snapshot saves are answered; only after the job completed, so no
    /// batch or failover is still under way), so that the job started again on this
    /// node restores its last complete checkpoint in fresh ones: alive, they held the stopped run's state, and the next
    /// start waited a checkpoint timeout for restores they never reported, then failed over to replace them.
    /// </summary>
    private async Task ReleaseKeyGroupsAsync(JobRun run)
    {
        if (Terminating || Interlocked.Exchange(ref _released, 1) == 1)
        {
            return; // the node's key groups stop with it; or released already (a stop after the end of the input)
        }

        try
        {
            await JobRunner.ResetKeyGroupsAsync(run, Name, _options).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            _log.Warning("Job {0}: its key groups did not all stop after the stop ({1}); a start on this node replaces them by a failover", Name, e.Message);
        }
    }

    /// <summary>
    /// The node is terminating (a crash, or a shutdown that did not stop the job): the run dies with it. Its checkpoint
    /// coordinator closes now: a checkpoint still in flight is aborted instead of failing a checkpoint timeout later and
    /// recording that failure through the store the node released, and one asked for fails at once. A run that a
    /// failover starts meanwhile is closed when it becomes the current one.
    /// </summary>
    internal void OnNodeTerminated()
    {
        _stopped.Cancel();
        CloseCheckpoints(_current, NodeTerminated);
    }

    /// <summary>
    /// The job completed (stopped, ended, or failed for good): its last run's checkpoint coordinator closes, so that a
    /// checkpoint still in flight (a stop does not wait for one) is aborted rather than recorded later, perhaps through
    /// a store the node has released, and one asked for now fails at once.
    /// </summary>
    internal void OnCompleted() => CloseCheckpoints(_current, $"job {Name} has completed");

    private string NodeTerminated => $"the node ({_system.Name}) terminated";

    private static void CloseCheckpoints(JobRun run, string why)
    {
        if (run.Dispatcher.Checkpoints is { } checkpoints)
        {
            _ = checkpoints.CloseAsync(new InvalidOperationException(why));
        }
    }

    /// <summary>The node is shutting down (or down): its job dies with it; a restarted node restores the checkpoint.</summary>
    private bool Terminating => _system.WhenTerminated.IsCompleted || CoordinatedShutdown.Get(_system).ShutdownReason is not null;

    /// <summary>
    /// Warns once when the job read records for <see cref="JobRunnerOptions.StalledWatermarkWarning"/> while its watermark
    /// never moved from its start: no event-time window or timer fires then, and nothing else says why (Flink's web UI
    /// shows "No Watermark"; the usual cause is a partition that never gets a record, held without idleness).
    /// </summary>
    private async Task WatchWatermarkAsync()
    {
        var start = CurrentWatermark;
        var readBefore = RecordsRead;
        while (true)
        {
            // Until the job completes or is stopped (a cancelled delay).
            var delay = Task.Delay(_options.StalledWatermarkWarning, _options.Clock, _stopped.Token);
            if (await Task.WhenAny(delay, Completion).ConfigureAwait(false) != delay || !delay.IsCompletedSuccessfully)
            {
                return;
            }

            if (CurrentWatermark != start)
            {
                return; // event time moves
            }

            var read = RecordsRead;
            if (read > readBefore)
            {
                _log.Warning(
                    "Job {0}: {1} records read in the last {2} and the watermark has not moved from its start: no event-time window or timer fires until it does. "
                    + "A source partition that has delivered no record holds it back: give the source's watermark strategy WithIdleness, or check the partitions it reads "
                    + "(a job on processing time only can use WatermarkStrategy.NoWatermarks)",
                    Name, read - readBefore, Durations.Format(_options.StalledWatermarkWarning));
                return;
            }

            readBefore = read;
        }
    }

    private void Watch(JobRun run)
    {
        if (run.Dispatcher.Checkpoints is { } checkpoints)
        {
            checkpoints.CheckpointCompleted += _ =>
            {
                _backoff.OnCheckpointCompleted();
                _options.Counters.CheckpointCompleted();
            };
        }
    }

    private async Task<JobSummary> SuperviseAsync()
    {
        while (true)
        {
            var run = _current;
            try
            {
                await EndOfRunAsync(run).ConfigureAwait(false);
                if (run.Dispatcher.EndOfInput)
                {
                    _log.Info(run.Dispatcher.Drained
                        ? "Job {0}: stopped with drain; every window and timer fired and its sinks are done"
                        : "Job {0}: its bounded input ended; every window and timer fired and its sinks are done", Name);
                    await run.Control.ShutdownAsync().ConfigureAwait(false); // releases the sources' clients

                    // As after a stop: the job started again on this node (a run over new input, a new version of it)
                    // restores its final checkpoint in fresh key groups, not in these, which hold this run's operators.
                    await ReleaseKeyGroupsAsync(run).ConfigureAwait(false);
                }

                return Summary(run);
            }
            catch (Exception e) when (e is not OutOfMemoryException && !_stopping && !Terminating)
            {
                var next = await FailOverAsync(_failover, run, e).ConfigureAwait(false);
                if (next is null)
                {
                    return Summary(run); // stopped, or the node is going down, while failing over
                }

                Interlocked.Add(ref _failedBefore, run.Dispatcher.Checkpoints?.Failed ?? 0);
                Restarts++;
                JobMetrics.JobRestarts.Add(1, new KeyValuePair<string, object?>("job", Name));
                Watch(next);
                _current = next;
                if (Terminating)
                {
                    CloseCheckpoints(next, NodeTerminated); // the node went down while this run started
                }

                _log.Info("Job {0}: restarted from its last complete checkpoint (restart {1})", Name, Restarts);
                if (_stopping)
                {
                    await next.Control.StopAsync().ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException && _stopping && !Terminating)
            {
                // Asked to stop, and the run failed on its way down (e.g. its database or broker is away): the job is
                // stopped all the same, and its last complete checkpoint stands for the next start, as after any stop.
                _log.Warning("Job {0}: failed while stopping ({1}: {2}); stopped, a start resumes from checkpoint {3}",
                    Name, e.GetType().Name, e.Message, run.Dispatcher.Checkpoints?.LastCompletedId ?? 0);
                return Summary(run);
            }
        }
    }

    /// <summary>
    /// The run's end; or, when the node's actor system terminated under a run that did not end with it (its stream's
    /// stages stopped without completing their tasks), the job's: it fails naming the node's termination, or, asked to
    /// stop, is stopped. Its completion waited for good, and so did whatever awaited it (a host that never stopped).
    /// </summary>
    private async Task EndOfRunAsync(JobRun run)
    {
        if (await Task.WhenAny(run.Completion, _system.WhenTerminated).ConfigureAwait(false) != run.Completion)
        {
            // The run may still end by itself right after the node (its stages' last callbacks).
            await Task.WhenAny(run.Completion, Task.Delay(TimeSpan.FromSeconds(5))).ConfigureAwait(false);
            if (!run.Completion.IsCompleted && !_stopping)
            {
                throw new InvalidOperationException(
                    $"Job '{Name}' ended with its node: {NodeTerminated} while the job ran. A start resumes from its last complete checkpoint ({run.Dispatcher.Checkpoints?.LastCompletedId ?? 0}).");
            }

            if (!run.Completion.IsCompleted)
            {
                return;
            }
        }

        await run.Completion.ConfigureAwait(false);
    }

    private JobSummary Summary(JobRun last)
    {
        var counters = _options.Counters;
        return new JobSummary(
            Name,
            last.Dispatcher.EndOfInput,
            counters.Read,
            counters.Emitted,
            counters.Dead,
            counters.Late,
            _options.Clock.GetElapsedTime(_started),
            counters.Checkpoints,
            FailedCheckpoints,
            Restarts);
    }

    /// <summary>
    /// Asks the restart strategy about <paramref name="failure"/>, abandons the failed run, waits the strategy's
    /// delay on the job's clock and starts a new run; a failed attempt is one more failure for the strategy.
    /// </summary>
    /// <returns>The new run, or null when the job was stopped (or its node went down) meanwhile.</returns>
    /// <exception cref="JobRestartsExhaustedException">The strategy gave up.</exception>
    private async Task<JobRun?> FailOverAsync(Failover failover, JobRun failed, Exception failure)
    {
        while (true)
        {
            // A stream failure sometimes arrives wrapped (a sink's Task.WhenAll): name the failure itself.
            while (failure is AggregateException { InnerExceptions.Count: 1 } single)
            {
                failure = single.InnerExceptions[0];
            }

            var failedAt = _options.Clock.GetUtcNow();
            if (failed.Dispatcher.Checkpoints is { } checkpoints)
            {
                // For `actorflow status`; not awaited: a store that is down (maybe the failure's cause) must not delay the failover.
                _ = JobFailures.RecordAsync(checkpoints.Store, new JobFailure(Name, JobFailureKind.Job, failedAt.ToUnixTimeMilliseconds(), checkpoints.LastCompletedId > 0 ? checkpoints.LastCompletedId : null, JobFailures.Describe(failure)), _log);
            }

            var decision = _backoff.OnFailure();
            if (!decision.Restart)
            {
                _log.Error(failure, "Job {0} failed ({1}: {2}); giving up, restart strategy {3}: {4}", Name, failure.GetType().Name, failure.Message, _strategy, decision.GiveUpReason);
                throw new JobRestartsExhaustedException(Name, _strategy, Restarts, decision.GiveUpReason!, failure);
            }

            _log.Warning("Job {0} failed ({1}); restarting from its last complete checkpoint ({2}) in {3} (restart strategy {4})",
                Name, JobFailures.Describe(failure), failed.Dispatcher.Checkpoints?.LastCompletedId ?? 0, Durations.Format(decision.Delay), _strategy);
            try
            {
                await failover.AbandonAsync(failed, failure).ConfigureAwait(false);
                Interlocked.Exchange(ref _waitingTicks, decision.Delay.Ticks);
                try
                {
                    await Task.Delay(decision.Delay, _options.Clock, _stopped.Token).ConfigureAwait(false);
                }
                finally
                {
                    Interlocked.Exchange(ref _waitingTicks, -1);
                }

                var waited = _options.Clock.GetUtcNow();
                var next = await failover.StartAsync().ConfigureAwait(false);
                lock (_failovers)
                {
                    _failovers.Add(new FailoverRecord(failedAt, decision.Delay, waited));
                }

                return next;
            }
            catch (Exception f) when (f is not OutOfMemoryException)
            {
                if (_stopping || Terminating || _stopped.IsCancellationRequested)
                {
                    return null;
                }

                _log.Warning("Job {0}: failover failed ({1}: {2})", Name, f.GetType().Name, f.Message);
                failure = f;
            }
        }
    }
}
