using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Runtime;
using Akka.Actor;

namespace ActorFlow.Topology.Tests;

/// <summary>Runs a test's steps on a node of their own over a SQLite state store, terminated after them (a deployment, an upgrade, a restart).</summary>
internal static class SqliteNode
{
    /// <summary>Starts node <paramref name="name"/> over the store in <paramref name="dataPath"/>, runs <paramref name="body"/> on it, then terminates it.</summary>
    public static async Task RunAsync(string name, string dataPath, Func<ActorSystem, Task> body)
    {
        var system = await ActorFlowCluster.StartNodeAsync(name, StateStoreSettings.Sqlite(dataPath));
        try
        {
            await body(system);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
