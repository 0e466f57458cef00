using ActorFlow.Persistence.Config;
using Microsoft.Extensions.DependencyInjection;

namespace ActorFlow.Hosting.Tests;

/// <summary>Misuse of the registration fails at once, saying what to do: a job before the node, two nodes, a node without state, a singleton that only hosts key groups or stops with a drain.</summary>
public sealed class RegistrationSpec
{
    /// <summary>Verify the five misuses are refused with their remedy.</summary>
    [Fact]
    public void Registration_mistakes_must_be_refused_naming_the_remedy()
    {
        var jobFirst = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddActorFlowJob((_, _) => throw new InvalidOperationException("not built")));
        Assert.Contains("AddActorFlowNode(...) first", jobFirst.Message, StringComparison.Ordinal);

        var services = new ServiceCollection().AddActorFlowNode(n => n.State = StateStoreSettings.Sqlite(Path.GetTempPath()));
        var twice = Assert.Throws<InvalidOperationException>(() => services.AddActorFlowNode(n => n.State = StateStoreSettings.Sqlite(Path.GetTempPath())));
        Assert.Contains("called twice", twice.Message, StringComparison.Ordinal);

        var stateless = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddActorFlowNode(_ => { }));
        Assert.Contains("State is not set", stateless.Message, StringComparison.Ordinal);

        var both = Assert.Throws<ArgumentException>(() => services.AddActorFlowJob((_, _) => throw new InvalidOperationException("not built"), j =>
        {
            j.Singleton = new ActorFlow.Topology.Runtime.JobSingletonOptions();
            j.HostKeyGroupsOnly = true;
        }));
        Assert.Contains("not both", both.Message, StringComparison.Ordinal);

        // The next node resumes a singleton from the savepoint of its stop: a drain there fired windows early, which were
        // written again when they fired on the next node (a hosted run wrote carl's window of two clicks as 1 and 1).
        var drained = Assert.Throws<ArgumentException>(() => services.AddActorFlowJob((_, _) => throw new InvalidOperationException("not built"), j =>
        {
            j.Singleton = new ActorFlow.Topology.Runtime.JobSingletonOptions();
            j.StopMode = JobStopMode.SavepointAndDrain;
        }));
        Assert.Contains("SavepointAndDrain", drained.Message, StringComparison.Ordinal);
    }
}
