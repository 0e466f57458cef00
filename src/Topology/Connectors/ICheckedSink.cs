namespace ActorFlow.Topology.Connectors;

/// <summary>
/// A sink that can tell before a job starts that its settings can never work (a property its system's client refuses,
/// a value it cannot take). <c>JobRunner.StartAsync</c> calls <see cref="CheckSettings"/> on every sink of the job,
/// the dead-letter sink too, before the first run, and fails the start with the reason: the run would otherwise start,
/// fail when the sink makes its client, and fail over again and again under the default restart strategy (a source's
/// settings are checked by its <see cref="ISourceControl.Ready"/>). The Kafka sinks implement it.
/// </summary>
public interface ICheckedSink
{
    /// <summary>
    /// Throws, with a message naming the setting, when the sink's client cannot be made with its settings. Writes
    /// nothing and keeps nothing open.
    /// </summary>
    void CheckSettings();
}
