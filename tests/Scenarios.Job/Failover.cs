using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;

namespace ActorFlow.ScenarioJob;

/// <summary>
/// Job-wide failover for the two-node scenario, done the way a process supervisor would: when the other node is
/// lost (unreachable, downed or removed) this node stops at once (SIGKILL to itself) and is restarted from outside,
/// so every key group of the job restores the last complete checkpoint and every source rewinds to its offsets.
/// The runtime has no job-wide restart of its own: a key group on a surviving node would keep its state from after
/// the checkpoint (counted twice after the replay), and a key group of the lost node, started again on the
/// survivor from the checkpoint while the sources keep going, would miss the records since the checkpoint.
/// </summary>
internal static class Failover
{
    /// <summary>Never completes: when the other member is lost it kills this process.</summary>
    public static async Task WatchAsync(ActorSystem system)
    {
        var cluster = Cluster.Get(system);
        while (true)
        {
            var state = cluster.State;
            var reason = system.WhenTerminated.IsCompleted ? "this node's actor system terminated"
                : state.Unreachable.FirstOrDefault() is { } unreachable ? $"{unreachable.Address} is unreachable"
                : state.Members.Count(m => m.Status == MemberStatus.Up) < 2 ? "a member left"
                : null;
            if (reason is not null)
            {
                Stop(reason);
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Prints why and kills this process (SIGKILL: no graceful leave, no final checkpoint).</summary>
    public static void Stop(string reason)
    {
        Console.WriteLine($"failover: {reason}; stopping this node so that the jobs restart from their last checkpoint");
        Console.Out.Flush();
        Process.GetCurrentProcess().Kill();
    }

    /// <summary>Waits until the shard region of every job knows <paramref name="count"/> regions (one per node).</summary>
    public static async Task AwaitRegionsAsync(ActorSystem system, IEnumerable<string> jobs, int count, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        foreach (var job in jobs)
        {
            var region = ClusterSharding.Get(system).ShardRegion("actorflow-" + job);
            while (await RegionCountAsync(region, cts.Token) < count)
            {
                await Task.Delay(100, cts.Token);
            }
        }
    }

    // The shard coordinator may not answer while the cluster forms (a restarted node waiting for its peer): ask again
    // until the overall timeout instead of failing on the first unanswered ask.
    private static async Task<int> RegionCountAsync(IActorRef region, CancellationToken cancellationToken)
    {
        try
        {
            return (await region.Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(5), cancellationToken)).Regions.Count;
        }
        catch (AskTimeoutException)
        {
            return 0;
        }
    }
}
