using ActorFlow.Operators;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime.Internal;
using Akka;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorFlow.Topology.Runtime;

/// <summary>
/// Runs a <see cref="StreamJob"/> on an actor system that is a cluster member (see <see cref="ActorFlowCluster"/>):
/// starts the job's shard region of key-group entities and materialises the data path
/// source → watermarks → key-by → batches → key groups → sinks.
/// </summary>
public static partial class JobRunner
{
    /// <summary>Starts <paramref name="job"/>, blocking while it finds its recovery point; see <see cref="StartAsync"/>.</summary>
    public static RunningJob Start(ActorSystem system, StreamJob job, JobRunnerOptions? options = null) =>
        StartAsync(system, job, options).GetAwaiter().GetResult();

    /// <summary>
    /// Starts <paramref name="job"/>. When the job has a complete checkpoint in the state store, every key group
    /// restores from that checkpoint's snapshot and every source partition starts at the offsets stored with it
    /// (never from a newer, incomplete checkpoint). The returned handle stops the job, triggers checkpoints and
    /// reports its status. A job that fails while running (a key group lost its state, a key group's node is
    /// unreachable, a sink failed) fails over: it restarts from its last complete checkpoint, when and as often as
    /// <see cref="JobRunnerOptions.RestartStrategy"/> allows (see <see cref="RunningJob.Restarts"/>).
    /// </summary>
    public static async Task<RunningJob> StartAsync(ActorSystem system, StreamJob job, JobRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(job);
        options ??= new JobRunnerOptions();
        if (!options.RetainedCheckpointsSet)
        {
            // actorflow.persistence.checkpoints.retained, over the embedded defaults (3).
            options = options with { RetainedCheckpoints = CheckpointSettings.Create(system).Retained };
        }

        options.Validate();
        options = options with { Counters = new JobCounters(job.Name) };
        if (options.ExecutionMode == ExecutionMode.Batch)
        {
            if (job.Plan.Roots.FirstOrDefault(r => r.Boundedness != Boundedness.Bounded) is { } unbounded)
            {
                throw new ArgumentException(
                    $"Job '{job.Name}' cannot run with ExecutionMode.Batch: its source '{unbounded.Name}' is unbounded ({unbounded.Boundedness}). Batch mode needs every source bounded (e.g. KafkaConnectors.BoundedSource); run it with ExecutionMode.Streaming.",
                    nameof(options));
            }

            options = options with { CheckpointInterval = null };
        }

        CheckSinkSettings(job);

        // One run of a job per node: a second would feed the same key groups and write the same checkpoints.
        var live = LiveJobs.Get(system);
        live.Reserve(job.Name);
        try
        {
            return await StartReservedAsync(system, job, options).ConfigureAwait(false);
        }
        catch
        {
            live.Release(job.Name);
            throw;
        }
    }

    private static async Task<RunningJob> StartReservedAsync(ActorSystem system, StreamJob job, JobRunnerOptions options)
    {
        var store = options.CheckpointStoreOverride ?? ActorFlowCluster.CheckpointStoreOf(system);
        await store.InitializeAsync().ConfigureAwait(false);
        await Savepoints.StartFromSavepointAsync(store, job.Name, options, job.Plan.KeyGroupCount, job.Plan).ConfigureAwait(false);
        var log = Logging.GetLogger(system, "ActorFlow.JobRunner");
        WarnUnpublishedSinks(job, options, log);
        WarnNoWatermarks(job, options, log);
        var first = await StartRunAsync(system, job, options, store, log, awaitSources: true).ConfigureAwait(false);
        // A failover restores the latest complete checkpoint of this job's lineage: the one the start was pinned to
        // (RestoreCheckpointId, e.g. the previous checkpoint offered by a RecoveryFailedException) until a checkpoint
        // completes after it, as Flink adds a checkpoint restored with -s to the job's completed checkpoints. The
        // store's newest record is what the user steered away from until then (corrupt, or unwanted).
        var again = options with { FromSavepoint = null, RestoreCheckpointId = null };
        var pinned = options.RestoreCheckpointId;
        var failover = new Failover(
            async (failed, failure) =>
            {
                if (failed.Dispatcher.Checkpoints is { } checkpoints)
                {
                    await checkpoints.CloseAsync(failure).ConfigureAwait(false);
                    if (checkpoints.LastCompletedId != pinned)
                    {
                        pinned = null; // a checkpoint completed after the pinned one: it is the latest now
                    }
                }

                await failed.Control.ShutdownAsync().ConfigureAwait(false);
                try
                {
                    // The failed run releases its sinks' clients when it ends (the exactly-once sink its producer): the
                    // next run must not start before, or the old run's release would close what the new run uses.
                    await failed.Completion.WaitAsync(TimeSpan.FromSeconds(15)).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // Its failure is what triggered this failover (reported there), or it did not end in time.
                }

                if (failed.Dispatcher.InPlace is { } inPlace)
                {
                    try
                    {
                        // Its key groups' snapshot saves still in flight are answered before the next run saves its own.
                        await inPlace.SettleAsync().WaitAsync(again.CheckpointTimeout).ConfigureAwait(false);
                    }
                    catch (TimeoutException)
                    {
                        log.Warning("Job {0}: snapshot saves of the failed run were not answered within {1}", job.Name, again.CheckpointTimeout);
                    }
                }

                await ResetKeyGroupsAsync(failed, job.Name, again).ConfigureAwait(false);
            },
            () => StartRunAsync(system, job, again with { RestoreCheckpointId = pinned }, store, log, awaitSources: false));
        return new RunningJob(system, job.Name, first, failover, options, log, watchesWatermark: job.Plan.Roots.Any(r => r.EmitsWatermarks));
    }

    /// <summary>
    /// Sinks whose settings their client refuses fail the start, naming the sink: the run would fail as soon as the sink
    /// made its client, and fail over without end under the default restart strategy.
    /// </summary>
    private static void CheckSinkSettings(StreamJob job)
    {
        var sinks = job.Plan.Sinks.Where(s => s.Checked is not null).Select(s => (s.Description, s.Checked!));
        if (job.DeadLetters is ICheckedSink deadLetters)
        {
            sinks = sinks.Append(("the dead-letter sink", deadLetters));
        }

        foreach (var (description, sink) in sinks)
        {
            try
            {
                sink.CheckSettings();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new ArgumentException($"Job '{job.Name}' cannot start: {description} refuses its settings: {e.Message}", nameof(job), e);
            }
        }
    }

    /// <summary>
    /// A streaming job on an unbounded input whose sources all make no watermarks (<c>NoWatermarks</c>) while an operator
    /// waits for the watermark: its windows would never fire, without a word (the stalled-watermark warning watches only
    /// jobs whose sources make watermarks). Flink says nothing either; this is its most asked-about silence.
    /// </summary>
    private static void WarnNoWatermarks(StreamJob job, JobRunnerOptions options, ILoggingAdapter log)
    {
        if (options.ExecutionMode != ExecutionMode.Streaming || job.Plan.Roots.Any(r => r.EmitsWatermarks) || job.Plan.IsBounded)
        {
            return;
        }

        foreach (var stage in job.Plan.Stages.Where(s => s.EventTimeUse is not null))
        {
            log.Warning(
                "Job {0}: operator '{1}' uses {2}, but the job's sources make no watermarks (WatermarkStrategy.NoWatermarks): event time never moves on this unbounded input. Give the sources a watermark strategy (e.g. WatermarkStrategy.ForBoundedOutOfOrderness(...).WithTimestampAssigner(...)), or use processing-time windows.",
                job.Name,
                stage.Name,
                stage.EventTimeUse);
        }
    }

    /// <summary>
    /// Warns when periodic checkpoints are off (<see cref="JobRunnerOptions.CheckpointInterval"/> null) in a streaming run
    /// with an unbounded source and an exactly-once sink: such a sink publishes at checkpoints only, so its output would stay
    /// unpublished until one is asked for (Flink's exactly-once sinks need checkpointing enabled as well).
    /// </summary>
    private static void WarnUnpublishedSinks(StreamJob job, JobRunnerOptions options, ILoggingAdapter log)
    {
        if (options.CheckpointInterval is not null || job.Plan.IsBounded)
        {
            return;
        }

        var exactlyOnce = job.Plan.Sinks.Where(s => s.WriteAhead is not null || s.TwoPhase is not null).Select(s => s.Description).ToList();
        if (exactlyOnce.Count > 0)
        {
            log.Warning(
                "Job {0}: CheckpointInterval is null (periodic checkpoints off), so its exactly-once sinks ({1}) publish only at checkpoints asked for (RunningJob.CheckpointAsync, SavepointAsync, StopWithSavepointAsync): their output stays unpublished until then. Set CheckpointInterval to the output latency the readers need.",
                job.Name,
                string.Join("; ", exactlyOnce));
        }
    }

    /// <summary>Failover: every key group the failed run knew drops its state; its next incarnation restores the last complete checkpoint.</summary>
    internal static async Task ResetKeyGroupsAsync(JobRun failed, string jobName, JobRunnerOptions options)
    {
        if (failed.Region is not { } region)
        {
            return;
        }

        int[] groups = [.. failed.KeyGroups];
        await Task.WhenAll(groups.Select(kg => region.Ask<KeyGroupReset>(new ResetKeyGroup(jobName, kg), options.AskTimeout))).ConfigureAwait(false);
    }

    /// <summary>One run of the job: from the latest complete checkpoint (or the one the options name) until it stops or fails.</summary>
    private static async Task<JobRun> StartRunAsync(ActorSystem system, StreamJob job, JobRunnerOptions options, ActorFlow.Persistence.Checkpoints.ICheckpointStore store, ILoggingAdapter log, bool awaitSources)
    {
        var restoreFrom = await JobRecovery.FindRestorePointAsync(store, job.Name, options).ConfigureAwait(false);
        if (restoreFrom is not null)
        {
            // A key's group is its hash modulo the count: another count gives most keys a group without their state.
            Savepoints.RefuseOtherKeyGroupCount(job.Name, restoreFrom, job.Plan.KeyGroupCount);
            options = options with
            {
                StartOffsets = new RestoredOffsets(SourcePartitionIds.ToNextOffsets(restoreFrom.Offsets), restoreFrom.NamesAssignedPartitions),
            };
        }

        JobRegistry.Get(system).Register(job.Name, job.Plan, options, restoreFrom);
        await RecoveryMonitor.Get(system).PinAsync(store, job.Name, options, restoreFrom).ConfigureAwait(false);
        var restoring = restoreFrom is null ? [] : Savepoints.KeyGroupsToRestore(job.Name, restoreFrom, job.Plan, options.AllowNonRestoredState);
        var region = job.Plan.IsKeyed ? StartRegion(system, job, options) : null;
        if (region is not null && restoreFrom is not null)
        {
            await JobRecovery.AwaitKeyGroupsAsync(system, region, job.Name, restoreFrom, restoring, store, options).ConfigureAwait(false);
        }

        var graph = job.Plan;
        var portHops = graph.Ports.Select(p => p.Stage.Hop).ToArray();
        var runId = Guid.NewGuid().ToString("N");
        // Batch mode from no checkpoint: no state to restore and no periodic checkpoint, so the first hop's key groups
        // run in place on this node (LocalKeyGroups) unless the options keep them on their entities.
        var local = region is not null && restoreFrom is null && options.ExecutionMode == ExecutionMode.Batch && options.BatchKeyGroupsInPlace
            ? new LocalKeyGroups(system, job.Name, entity => graph.CreateHost(entity, endsProcessingTime: true), options.CheckpointTimeout, graph.MaxParallelism, options.BatchKeyGroupParallelism)
            : null;
        var dispatcher = new BatchDispatcher(region, job.Name, job.Name + "/" + runId, options, restoreFrom, portHops, graph.MaxParallelism, local);
        var control = new SourceControlHolder();
        var hops = new List<HopDispatcher>();
        // Every job checkpoints, as a Flink job with checkpointing on: its sources' offsets (committed to Kafka once a
        // checkpoint completes), its sinks (flushed, published or committed at the barrier) and its keyed stages' state.
        // A job without keyed stages checkpoints the first two: else a restart would read again what it had written.
        var checkpoints = dispatcher.Checkpoints = new CheckpointCoordinator(
            job.Name, region ?? ActorRefs.Nobody, store, control, options, log,
            record => JobRegistry.Get(system).Completed(job.Name, record),
            restoreFrom?.CheckpointId ?? 0)
        {
            LaterHops = graph.Hops - 1,
            KeyGroupCount = graph.KeyGroupCount,
        };
        for (var hop = 2; hop <= graph.Hops; hop++)
        {
            hops.Add(new HopDispatcher(region!, job.Name, $"{job.Name}/{runId}/{hop}", options, restoreFrom, hop, graph.FirstEntityOf(hop), graph.MaxParallelism, portHops, checkpoints));
        }

        // Exactly-once output: the epoch of the restored checkpoint may be unpublished (or partly) — publish it first.
        var writeAheads = new Dictionary<int, WriteAheadSink>();
        foreach (var sink in graph.Sinks.Where(s => s.WriteAhead is not null))
        {
            writeAheads[sink.Id] = new WriteAheadSink(sink.WriteAhead!, options.CheckpointTimeout, sink.Id, WriteAheadSink.EpochKeyOf(writeAheads.Count));
        }

        WriteAheadSink.Attach(checkpoints, [.. writeAheads.Values]);
        if (restoreFrom is not null)
        {
            try
            {
                foreach (var writeAhead in writeAheads.Values)
                {
                    await writeAhead.RecoverAsync(restoreFrom).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                await CloseAllAsync(writeAheads.Values).ConfigureAwait(false); // this run never starts: release its producers
                throw;
            }
        }

        // Two-phase-commit output: commit what the restored checkpoint names, remove what no complete checkpoint covers.
        var twoPhases = new Dictionary<int, TwoPhaseCommitSink>();
        foreach (var sink in graph.Sinks.Where(s => s.TwoPhase is not null))
        {
            twoPhases[sink.Id] = new TwoPhaseCommitSink(sink.TwoPhase!, options.CheckpointTimeout, sink.Id, TwoPhaseCommitSink.KeyOf(twoPhases.Count));
        }

        // At-least-once sinks flushed at each barrier (nothing to commit; keyed apart, so the keys of the two-phase
        // sinks above stay those older checkpoints were written with).
        var flushed = 0;
        foreach (var sink in graph.Sinks.Where(s => s.Flushing is not null))
        {
            twoPhases[sink.Id] = new TwoPhaseCommitSink(sink.Flushing!, options.CheckpointTimeout, sink.Id, "actorflow.flush." + flushed++.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        // The dead-letter sink too, when it can flush (a Kafka one): a bad record a completed checkpoint covers is
        // never read again, so its dead letter must be at its destination by then.
        if (job.DeadLetters is IFlushingSinkConnector<DeadLetterRecord> deadLetters)
        {
            twoPhases[FlushingTarget<DeadLetterRecord>.DeadLetters] = new TwoPhaseCommitSink(
                new FlushingTarget<DeadLetterRecord>(deadLetters), options.CheckpointTimeout, FlushingTarget<DeadLetterRecord>.DeadLetters, "actorflow.flush.dead-letters");
        }

        TwoPhaseCommitSink.Attach(checkpoints, [.. twoPhases.Values]);
        try
        {
            foreach (var twoPhase in twoPhases.Values)
            {
                await twoPhase.RecoverAsync(restoreFrom, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            await CloseAllAsync(writeAheads.Values).ConfigureAwait(false); // this run never starts: release its producers
            throw;
        }

        if (restoreFrom is not null)
        {
            log.Info("Job {0}: restoring checkpoint {1} ({2} key groups, {3} partitions)", job.Name, restoreFrom.CheckpointId, restoreFrom.KeyGroups.Length, restoreFrom.Offsets.Length);
        }

        var tags = new KeyValuePair<string, object?>("job", job.Name);
        var opTags = new[] { tags, new KeyValuePair<string, object?>("operator", graph.OperatorNames) };
        var sinks = new List<Task<Done>>();

        Sink<IReadOnlyList<Emitted>, NotUsed> Watch(Sink<IReadOnlyList<Emitted>, Task<Done>> sink) =>
            sink.MapMaterializedValue(t => { lock (sinks) { sinks.Add(t); } return NotUsed.Instance; });

        // Dead letters are rare: only batches holding any are flattened for their sink.
        var dead = twoPhases.TryGetValue(FlushingTarget<DeadLetterRecord>.DeadLetters, out var flushedDead)
            ? flushedDead.Sink()
            : job.DeadLetters is { } deadSink
            ? OfKind(EmittedKind.Dead).Select(e => (DeadLetterRecord)e.Value!).ToMaterialized(deadSink.Sink(), Keep.Right)
            : OfKind(EmittedKind.Dead).ToMaterialized(Sink.ForEach<Emitted>(e => log.Warning("Job {0}: dead letter {1}", job.Name, e.Value)), Keep.Right);

        var sources = graph.BuildSources(options, preAggregate: local is not null && options.BatchPreAggregation);
        if (options.ExecutionMode == ExecutionMode.Batch && graph.Broadcasts.Count > 0)
        {
            // Broadcast input first, as in Flink's batch mode: the first hop's keyed records wait for the end of the input.
            sources = sources.Via(BroadcastFirst.Flow(portHops));
        }

        // actorflow.records.in is counted where the sources are read (JobCounters.AddRead), once per record: a chunk
        // here holds a record once per consumer of its source.
        var stream = sources
            // Chunks pile up into one batch while the in-flight batches keep the dispatcher busy.
            .BatchWeighted(options.BatchSize, chunk => Math.Max(1, chunk.Count),
                chunk => new List<Chunk<Keyed>> { chunk }, (batch, chunk) =>
                {
                    batch.Add(chunk);
                    return batch;
                })
            .SelectAsync(options.Parallelism, batch => dispatcher.DispatchAsync(batch))
            .Select(IReadOnlyList<Emitted> (emitted) =>
            {
                CountLate(emitted, opTags, options.Counters);
                return graph.Route(emitted);
            });
        foreach (var hop in hops)
        {
            stream = stream
                .BatchWeighted(options.BatchSize, batch => Math.Max(1, batch.Count),
                    batch => new List<IReadOnlyList<Emitted>> { batch }, (batches, batch) =>
                    {
                        batches.Add(batch);
                        return batches;
                    })
                .SelectAsync(options.Parallelism, batches => hop.DispatchAsync(batches))
                .Select(IReadOnlyList<Emitted> (emitted) =>
                {
                    CountLate(emitted, opTags, options.Counters);
                    return graph.Route(emitted);
                });
        }

        var fanOut = Flow.Create<IReadOnlyList<Emitted>>()
            .Select(emitted =>
            {
                CountOut(emitted, opTags, options.Counters);
                return emitted;
            })
            .AlsoTo(Watch(dead));
        foreach (var sink in graph.Sinks)
        {
            fanOut = fanOut.AlsoTo(Watch(
                writeAheads.TryGetValue(sink.Id, out var writeAhead) ? writeAhead.Sink()
                : twoPhases.TryGetValue(sink.Id, out var twoPhase) ? twoPhase.Sink()
                : sink.Build()));
        }

        var (sourceControl, main) = stream.Via(fanOut).ToMaterialized(Sink.Ignore<IReadOnlyList<Emitted>>(), Keep.Both).Run(system.Materializer());
        control.Control = sourceControl;
        Func<long> watermark = () => dispatcher.Watermark;
        JobMetrics.Watermarks[job.Name] = watermark;
        // Besides a failed two-phase-commit sink, more failed checkpoints in a row than tolerated end the run at once.
        var completion = CompleteAsync(main, sinks, writeAheads.Values, twoPhases.Values.Select(t => t.Completion).Append(checkpoints.Intolerable), dispatcher);
        _ = completion.ContinueWith(_ =>
        {
            JobMetrics.Watermarks.TryRemove(new KeyValuePair<string, Func<long>>(job.Name, watermark));
            // The stream has stopped: no batch waits for its key groups' replies any more.
            dispatcher.Close();
            foreach (var hop in hops)
            {
                hop.Close();
            }
        }, TaskScheduler.Default);
        if (awaitSources)
        {
            // The start fails at once with an unreachable source; a failover run is not held up by it (a source that
            // cannot reach its system fails the run after its connection timeout, and the restart strategy decides).
            await AwaitSourcesReadyAsync(sourceControl, completion).ConfigureAwait(false);
        }

        return new JobRun(sourceControl, completion, dispatcher, region, hops);
    }

    /// <summary>
    /// A source that cannot reach its system (an unreachable <c>bootstrap.servers</c>) fails the start of the run with
    /// its reason, instead of a run that looks healthy until the source gives up. A run that ends first for another
    /// reason is left to the failover, as before.
    /// </summary>
    internal static async Task AwaitSourcesReadyAsync(ISourceControl control, Task completion)
    {
        var ready = control.Ready;
        await Task.WhenAny(ready, completion).ConfigureAwait(false);
        // A source that cannot connect fails its readiness first and the run right after: the run's end may still be
        // seen first (continuations run in any order), so the readiness decides, whichever ended first.
        if (!ready.IsFaulted)
        {
            return;
        }

        await control.ShutdownAsync().ConfigureAwait(false);
        try
        {
            await completion.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false); // its sinks released
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The run fails with the source's error, reported below.
        }

        System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(ready.Exception!.InnerException!);
    }

    /// <summary>Late records of a hop's stages (the side outputs' records leave the stream after their hop).</summary>
    private static void CountLate(IReadOnlyList<Emitted> emitted, KeyValuePair<string, object?>[] tags, JobCounters counters)
    {
        long late = 0;
        foreach (var e in emitted)
        {
            if (e.Kind == EmittedKind.Side && e.Tag is OutputTags.LateDataId or OutputTags.LateDataRightId)
            {
                late++;
            }
        }

        if (late > 0)
        {
            JobMetrics.LateRecords.Add(late, tags);
            counters.AddLate(late);
        }
    }

    /// <summary>Records for sinks and dead letters, at the end of the job's stream.</summary>
    private static void CountOut(IReadOnlyList<Emitted> emitted, KeyValuePair<string, object?>[] tags, JobCounters counters)
    {
        long main = 0, dead = 0;
        foreach (var e in emitted)
        {
            switch (e.Kind)
            {
                case EmittedKind.Sink:
                    main++;
                    break;
                case EmittedKind.Dead:
                    dead++;
                    break;
            }
        }

        if (main > 0)
        {
            JobMetrics.RecordsOut.Add(main, tags);
            counters.AddEmitted(main);
        }

        if (dead > 0)
        {
            JobMetrics.DeadLetters.Add(dead, tags);
            counters.AddDead(dead);
        }
    }

    /// <summary>The emitted records of <paramref name="kind"/>, one at a time, from the batches that hold any.</summary>
    private static Flow<IReadOnlyList<Emitted>, Emitted, NotUsed> OfKind(EmittedKind kind) =>
        Flow.Create<IReadOnlyList<Emitted>>()
            .Where(batch => batch.Any(e => e.Kind == kind))
            .SelectMany(batch => batch.Where(e => e.Kind == kind));

    /// <summary>
    /// The run's end: every sink done (or one failed, which ends it at once) and, when a
    /// bounded input ended, the final checkpoint durable and published (its failure fails the run: a failover restores
    /// the last complete checkpoint and ends again); then the write-ahead sinks release their producers.
    /// </summary>
    private static async Task CompleteAsync(Task<Done> main, List<Task<Done>> sinks, IEnumerable<WriteAheadSink> writeAheads, IEnumerable<Task> failFast, BatchDispatcher dispatcher)
    {
        try
        {
            // Any sink that fails ends the run at once (a failed side sink does not stop the main stream): the run fails
            // over to its last complete checkpoint instead of reading on without that sink's output, which later
            // checkpoints covered (a plain sink's records were lost, an exactly-once sink's epochs stalled every checkpoint).
            Task<Done>[] others;
            lock (sinks)
            {
                others = [.. sinks];
            }

            var watched = new List<Task> { main };
            watched.AddRange(failFast);
            watched.AddRange(others);
            while (await Task.WhenAny(watched).ConfigureAwait(false) is var done && done != main)
            {
                watched.Remove(done);
                await done.ConfigureAwait(false); // throws when it failed
            }

            await main.ConfigureAwait(false);
            await Task.WhenAll(others).ConfigureAwait(false);
            if (dispatcher.Checkpoints?.Final is { } final)
            {
                await final.ConfigureAwait(false);
            }
        }
        finally
        {
            if (dispatcher.InPlace is { } inPlace)
            {
                // Nothing of this run's keyed work runs after its end (a failed stream leaves batches queued in the lanes).
                await inPlace.CloseAsync().ConfigureAwait(false);
            }

            await CloseAllAsync(writeAheads).ConfigureAwait(false);
        }
    }

    private static async Task CloseAllAsync(IEnumerable<WriteAheadSink> writeAheads)
    {
        foreach (var writeAhead in writeAheads)
        {
            await writeAhead.CloseAsync().ConfigureAwait(false);
        }
    }

    private static IActorRef StartRegion(ActorSystem system, StreamJob job, JobRunnerOptions options)
    {
        RegisterWireFormat(system, job);
        var name = job.Name;
        return ClusterSharding.Get(system).Start(
            "actorflow-" + name,
            entityId =>
            {
                var entry = JobRegistry.Get(system).Resolve(name);
                var keyGroup = int.Parse(entityId, System.Globalization.CultureInfo.InvariantCulture);
                // The latest complete checkpoint in the shared store, so that a key group starting on a node that only
                // hosts (or started late) does not restore an older one; this node's last known record otherwise.
                var latest = RecoveryMonitor.Get(system).PinOf(name) is { } pin
                    ? pin.Choose(() => LatestCheckpoint(system, entry, name))
                    : LatestCheckpoint(system, entry, name) ?? entry.RestoreFrom;
                var restorePoint = latest?.RestorePointFor(keyGroup);
                Func<IKeyGroupHost> host = () => entry.Plan.CreateHost(keyGroup, entry.EndsProcessingTime, entry.AllowNonRestoredState);
                // A producer, not Props.Create(() => new ...): the expression form compiles its lambda for every entity
                // (a dynamic method each; at a job's start, 128 compiles and their finalizers ran beside the first batches).
                return Props.CreateBy(new KeyGroupEntityProducer(() => new KeyGroupEntity(name, keyGroup, host, entry.Clock, restorePoint, entry.RestartLog, entry.Poisoned)));
            },
            ClusterShardingSettings.Create(system),
            new KeyGroupExtractor(options.Shards));
    }

    private static ActorFlow.Persistence.Checkpoints.CheckpointRecord? LatestCheckpoint(ActorSystem system, JobRegistry.Entry entry, string job)
    {
        try
        {
            // Runs once per key-group start, on the shard's thread, so with synchronous I/O: blocking a pool thread on
            // the asynchronous call starved the pool while the database was down (every shard restarting its key
            // groups waited for continuations that needed pool threads) and stalled the node for ~14 s.
            return ActorFlowCluster.CheckpointStoreOf(system).LoadLatest(job);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or System.Data.Common.DbException)
        {
            if (entry.WarnStoreUnreadable(out var quiet))
            {
                Logging.GetLogger(system, "ActorFlow.JobRunner").Warning(
                    "Job {0}: a key group starting could not read the latest checkpoint ({1}); using the last one this node knows{2}",
                    job, e.Message, quiet > 0 ? $" (so did {quiet} key groups since the last such warning)" : "");
            }

            return null;
        }
    }

    private sealed class SourceControlHolder : ISourceControlHolder
    {
        public ISourceControl? Control { get; set; }

        public Task CommitAsync(IReadOnlyDictionary<string, long> nextOffsets) =>
            Control?.CommitAsync(nextOffsets) ?? Task.CompletedTask;
    }

    /// <summary>Makes a key-group entity by a plain delegate call (no expression compiled per entity).</summary>
    private sealed class KeyGroupEntityProducer(Func<KeyGroupEntity> create) : IIndirectActorProducer
    {
        public Type ActorType => typeof(KeyGroupEntity);

        public ActorBase Produce() => create();

        public void Release(ActorBase actor)
        {
        }
    }
}
