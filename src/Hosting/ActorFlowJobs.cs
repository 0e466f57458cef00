using System.Collections.Concurrent;
using ActorFlow.Topology.Runtime;

namespace ActorFlow.Hosting;

/// <summary>The jobs the host runs (<see cref="ActorFlowHostingExtensions.AddActorFlowJob"/>), by name, as a service.</summary>
public sealed class ActorFlowJobs
{
    private readonly ConcurrentDictionary<string, RunningJob> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, JobSingleton> _singletons = new(StringComparer.Ordinal);
    private int _expected;

    /// <summary>Gets the jobs run as cluster singletons (<see cref="ActorFlowJobOptions.Singleton"/>), by name: each says whether it runs on this node.</summary>
    public IReadOnlyDictionary<string, JobSingleton> Singletons => _singletons;

    /// <summary>Gets the jobs started so far (running, stopped or ended), by name.</summary>
    public IReadOnlyDictionary<string, RunningJob> Started => _running;

    /// <summary>Gets how many jobs the host runs (not those it only hosts key groups of), started or not.</summary>
    public int Expected => Volatile.Read(ref _expected);

    /// <summary>The running job called <paramref name="name"/>.</summary>
    /// <param name="name">The job's name.</param>
    /// <returns>The job.</returns>
    /// <exception cref="KeyNotFoundException">The host runs no job of that name, or has not started it yet.</exception>
    public RunningJob Get(string name) =>
        _running.TryGetValue(name, out var job)
            ? job
            : throw new KeyNotFoundException($"The host runs no job called '{name}' (or has not started it yet); it runs: {string.Join(", ", _running.Keys.Order(StringComparer.Ordinal))}.");

    internal void Expect() => Interlocked.Increment(ref _expected);

    internal void Add(RunningJob job) => _running[job.Name] = job;

    internal void Add(JobSingleton job) => _singletons[job.Name] = job;
}
