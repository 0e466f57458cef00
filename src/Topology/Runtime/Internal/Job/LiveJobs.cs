using System.Collections.Concurrent;
using Akka;
using Akka.Actor;
using Akka.Event;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The jobs running on one actor system, closed together when the node terminates: one task in the
/// node's coordinated shutdown (before the actor system ends and the node releases its checkpoint store) and one
/// continuation of <see cref="ActorSystem.WhenTerminated"/> for a system that ended without it. A job leaves when its
/// <see cref="RunningJob.Completion"/> completes, closing its last run's checkpoint coordinator then, so a node that
/// starts and stops many jobs holds only the live ones (each job adding its own shutdown task and continuation kept
/// every job it ever started until the node ended). The node creates it when it starts (<c>ActorFlowCluster</c>), so
/// that its shutdown task is in place before any shutdown begins.
/// </summary>
internal sealed class LiveJobs : IExtension
{
    private readonly ConcurrentDictionary<RunningJob, byte> _jobs = new(ReferenceEqualityComparer.Instance);
    private readonly ConcurrentDictionary<string, byte> _names = new(StringComparer.Ordinal);
    private readonly ActorSystem _system;
    private volatile bool _terminated;

    private LiveJobs(ActorSystem system)
    {
        _system = system;
        CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "actorflow-close-jobs", () =>
        {
            CloseAll();
            return Task.FromResult(Done.Instance);
        });
        _ = system.WhenTerminated.ContinueWith(_ => CloseAll(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public static LiveJobs Get(ActorSystem system) => system.WithExtension<LiveJobs, Provider>();

    /// <summary>The jobs registered and not completed yet.</summary>
    public int Count => _jobs.Count;

    /// <summary>
    /// Reserves a job's name on this node from its start until its <see cref="RunningJob.Completion"/> completes (or the
    /// start fails: <see cref="Release"/>): a second start of a job that is running here fails at once, where it fed the
    /// first run's key groups a second copy of the input and wrote checkpoints under the same ids.
    /// </summary>
    public void Reserve(string job)
    {
        if (!_names.TryAdd(job, 0))
        {
            throw new InvalidOperationException(
                $"Job '{job}' is running on this node: stop it (RunningJob.StopAsync, or StopWithSavepointAsync) and wait for it before starting it again. "
                + "Two runs of one job would read the same input into the same key groups and checkpoints.");
        }
    }

    /// <summary>The job's name is free again (its start failed).</summary>
    public void Release(string job) => _names.TryRemove(job, out _);

    /// <summary>
    /// Registers <paramref name="job"/> until <paramref name="completion"/> completes; a job registered while or after
    /// the node terminates is closed at once.
    /// </summary>
    public void Add(RunningJob job, Task completion)
    {
        _jobs.TryAdd(job, 0);
        _ = completion.ContinueWith(
            _ =>
            {
                job.OnCompleted();
                _jobs.TryRemove(job, out byte _);
                Release(job.Name);
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        // A shutdown already past this extension's task (begun before the extension existed) closes nothing here.
        if (_terminated || CoordinatedShutdown.Get(_system).ShutdownReason is not null)
        {
            job.OnNodeTerminated();
        }
    }

    private void CloseAll()
    {
        _terminated = true;
        foreach (var job in _jobs.Keys)
        {
            try
            {
                job.OnNodeTerminated();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // One job's failure to close (a callback of its stop token) must not leave the others open.
                _system.Log.Error(e, "Closing job {0} at the node's termination failed", job.Name);
            }
        }
    }

    public sealed class Provider : ExtensionIdProvider<LiveJobs>
    {
        public override LiveJobs CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
