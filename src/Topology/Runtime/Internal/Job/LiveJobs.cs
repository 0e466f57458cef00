using System.Collections.Concurrent;
using Akka;
using Akka.Actor;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. The jobs running on one actor system, closed together when the node terminates: one task in the
/// node's coordinated shutdown (before the actor system ends and the node releases its checkpoint store) and one
/// continuation of <see cref="ActorSystem.WhenTerminated"/> for a system that ended without it. A job leaves when its
/// <see cref="RunningJob.Completion"/> completes, so a node that starts and stops many jobs holds only the live ones
/// (each job adding its own shutdown task and continuation kept every job it ever started until the node ended).
/// </summary>
internal sealed class LiveJobs : IExtension
{
    private readonly ConcurrentDictionary<RunningJob, byte> _jobs = new(ReferenceEqualityComparer.Instance);
    private volatile bool _terminated;

    private LiveJobs(ActorSystem system)
    {
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
    /// Registers <paramref name="job"/> until <paramref name="completion"/> completes; a job registered while or after
    /// the node terminates is closed at once.
    /// </summary>
    public void Add(RunningJob job, Task completion)
    {
        _jobs.TryAdd(job, 0);
        _ = completion.ContinueWith(_ => _jobs.TryRemove(job, out byte _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        if (_terminated)
        {
            job.OnNodeTerminated();
        }
    }

    private void CloseAll()
    {
        _terminated = true;
        foreach (var job in _jobs.Keys)
        {
            job.OnNodeTerminated();
        }
    }

    public sealed class Provider : ExtensionIdProvider<LiveJobs>
    {
        public override LiveJobs CreateExtension(ExtendedActorSystem system) => new(system);
    }
}
