using Akka.Configuration;

namespace ActorFlow.TestKit;

/// <summary>Options of <see cref="JobHarness.StartAsync(JobHarnessOptions?)"/>; every one has a default.</summary>
public sealed record JobHarnessOptions
{
    /// <summary>Gets the topics created on the embedded broker at start, with their partition counts. The default is none.</summary>
    public IReadOnlyDictionary<string, int> Topics { get; init; } = new Dictionary<string, int>();

    /// <summary>Gets the actor system name of the job's node. The default is <c>actorflow-test</c>.</summary>
    public string NodeName { get; init; } = "actorflow-test";

    /// <summary>
    /// Gets the directory of the job's SQLite state store. The default (null) is a fresh directory under the temp
    /// path, deleted on dispose; a directory given here is kept.
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>Gets extra HOCON for the job's node, taking precedence over everything else. The default is none.</summary>
    public Config? NodeConfig { get; init; }

    /// <summary>Gets how long one step may take (start a node, a checkpoint, a stop, one produce or read). The default is 60 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}
