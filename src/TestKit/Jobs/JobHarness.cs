using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Settings;
using ActorFlow.Persistence.Checkpoints;
using ActorFlow.Persistence.Config;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Dsl;
using ActorFlow.Topology.Runtime;
using Akka.Actor;

namespace ActorFlow.TestKit;

/// <summary>
/// Runs a job in a test on the embedded Kafka broker and a SQLite state store in a temporary directory: produce its
/// input (<see cref="Topic{T}"/>), start it (<see cref="StartJobAsync"/>), take a checkpoint, kill it as a crash would
/// and restore it from its store (<see cref="KillAsync"/>, <see cref="RestoreAsync"/>), read its output and dead
/// letters to their end. Disposing it stops everything and deletes the broker, the actor system and the files.
/// </summary>
public sealed class JobHarness : IAsyncDisposable
{
    private readonly JobHarnessOptions _options;
    private readonly bool _ownsDirectory;
    private ActorSystem? _system;
    private RunningJob? _job;
    private Func<JobHarness, StreamJob>? _build;
    private JobRunnerOptions? _runnerOptions;

    private JobHarness(JobHarnessOptions options, EmbeddedKafka kafka, string directory, bool ownsDirectory)
    {
        _options = options;
        Kafka = kafka;
        DataDirectory = directory;
        _ownsDirectory = ownsDirectory;
        StateStore = StateStoreSettings.Sqlite(directory);
        Topics = new TestTopics(kafka.BootstrapServers, options.Timeout);
    }

    /// <summary>Gets the embedded broker.</summary>
    public EmbeddedKafka Kafka { get; }

    /// <summary>Gets the broker's bootstrap servers.</summary>
    public string BootstrapServers => Kafka.BootstrapServers;

    /// <summary>Gets the producer and reader of the broker's topics.</summary>
    public TestTopics Topics { get; }

    /// <summary>Gets the directory of the SQLite state store.</summary>
    public string DataDirectory { get; }

    /// <summary>Gets the state store the job's nodes use (SQLite in <see cref="DataDirectory"/>).</summary>
    public StateStoreSettings StateStore { get; }

    /// <summary>Gets the job's current node.</summary>
    /// <exception cref="InvalidOperationException">No node runs (before <see cref="StartJobAsync"/>, after <see cref="KillAsync"/>).</exception>
    public ActorSystem System => _system ?? throw new InvalidOperationException("No node runs: start the job first (StartJobAsync), or restore it after KillAsync (RestoreAsync).");

    /// <summary>Gets the running job.</summary>
    /// <exception cref="InvalidOperationException">No job runs.</exception>
    public RunningJob Job => _job ?? throw new InvalidOperationException("No job runs: start it first (StartJobAsync), or restore it after KillAsync (RestoreAsync).");

    /// <summary>Gets the checkpoint store of the job's state store (checkpoints, savepoints, offsets).</summary>
    public ICheckpointStore CheckpointStore => ActorFlowCluster.CheckpointStoreOf(System);

    /// <summary>Starts the embedded broker (with <see cref="JobHarnessOptions.Topics"/>) and prepares the state directory.</summary>
    /// <param name="options">Options (defaults when null).</param>
    /// <returns>The harness; dispose it with <c>await using</c>.</returns>
    public static Task<JobHarness> StartAsync(JobHarnessOptions? options = null)
    {
        options ??= new JobHarnessOptions();
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.Timeout, TimeSpan.Zero, nameof(options));
        var owns = options.DataDirectory is null;
        var directory = options.DataDirectory ?? Path.Combine(Path.GetTempPath(), $"actorflow-testkit-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        EmbeddedKafka kafka;
        try
        {
            kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = options.Topics });
        }
        catch
        {
            if (owns)
            {
                Directory.Delete(directory, recursive: true);
            }

            throw;
        }

        return Task.FromResult(new JobHarness(options, kafka, directory, owns));
    }

    /// <summary>A typed view of a topic on the broker.</summary>
    /// <typeparam name="T">The record type.</typeparam>
    /// <param name="name">The topic.</param>
    /// <param name="format">How its records look.</param>
    /// <returns>The topic.</returns>
    public TestTopic<T> Topic<T>(string name, TopicFormat<T> format) => Topics.Topic(name, format);

    /// <summary>The dead letters in <paramref name="topic"/>, read to its end.</summary>
    /// <param name="topic">The dead-letter topic.</param>
    /// <returns>The dead letters.</returns>
    public IReadOnlyList<DeadLetterRecord> ReadDeadLetters(string topic) => Topics.ReadDeadLetters(topic);

    /// <summary>Consumer settings of the current node for the broker (bytes in; the source decodes).</summary>
    /// <param name="groupId">The consumer group, or null for none (manual assignment only).</param>
    /// <returns>The settings.</returns>
    public ConsumerSettings<byte[], byte[]> ConsumerSettings(string? groupId = null)
    {
        var settings = ConsumerSettings<byte[], byte[]>.Create(System, null, null).WithBootstrapServers(BootstrapServers);
        return groupId is null ? settings : settings.WithGroupId(groupId);
    }

    /// <summary>Producer settings of the current node for the broker (bytes out; the sink encodes).</summary>
    /// <returns>The settings.</returns>
    public ProducerSettings<byte[], byte[]> ProducerSettings() =>
        ProducerSettings<byte[], byte[]>.Create(System, null, null).WithBootstrapServers(BootstrapServers);

    /// <summary>
    /// Starts a node and the job <paramref name="build"/> makes on it (it resumes from the latest complete checkpoint
    /// in the store, if any). <paramref name="build"/> is kept: <see cref="RestoreAsync"/> builds the job again on
    /// the new node, as a restarted process would.
    /// </summary>
    /// <param name="build">Builds the job; read settings from the harness (<see cref="ConsumerSettings"/>, <see cref="ProducerSettings"/>, <see cref="System"/>).</param>
    /// <param name="options">Runner options (e.g. <c>CheckpointInterval = null</c> to take checkpoints only by <see cref="CheckpointAsync"/>).</param>
    /// <returns>The running job.</returns>
    /// <exception cref="InvalidOperationException">A job already runs.</exception>
    public async Task<RunningJob> StartJobAsync(Func<JobHarness, StreamJob> build, JobRunnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(build);
        if (_job is not null)
        {
            throw new InvalidOperationException($"The job '{_job.Name}' already runs: stop or kill it first.");
        }

        _build = build;
        _runnerOptions = options;
        return await StartAsync().ConfigureAwait(false);
    }

    /// <summary>Takes a checkpoint now and waits until it is complete.</summary>
    /// <returns>The checkpoint's record (id, offsets, key groups).</returns>
    public Task<CheckpointRecord> CheckpointAsync() => Job.CheckpointAsync().WaitAsync(_options.Timeout);

    /// <summary>
    /// Kills the job as a crash would: its node terminates with no stop, no drain and no final checkpoint, so what
    /// it did after its last complete checkpoint is lost except what it already wrote to Kafka.
    /// </summary>
    /// <returns>A task that completes when the node is gone.</returns>
    public async Task KillAsync()
    {
        var system = System;
        _job = null;
        _system = null;
        await system.Terminate().WaitAsync(_options.Timeout).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a new node on the same state store and the same job on it: it restores the last complete checkpoint and
    /// replays Kafka from that checkpoint's offsets.
    /// </summary>
    /// <returns>The running job.</returns>
    /// <exception cref="InvalidOperationException">No job was started, or the job still runs (kill or stop it first).</exception>
    public async Task<RunningJob> RestoreAsync()
    {
        if (_build is null)
        {
            throw new InvalidOperationException("No job to restore: start one first (StartJobAsync).");
        }

        if (_job is not null)
        {
            throw new InvalidOperationException($"The job '{_job.Name}' still runs: kill it (KillAsync) or stop it (StopJobAsync) first.");
        }

        return await StartAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the job gracefully (it drains in-flight records to the sinks) and then its node. As Flink's cancel, not its
    /// stop: what an exactly-once sink took since the last complete checkpoint is published only when the job runs
    /// again (<see cref="RestoreAsync"/>); <see cref="StopJobWithSavepointAsync"/> publishes it.
    /// </summary>
    /// <returns>A task that completes when both are stopped.</returns>
    public async Task StopJobAsync()
    {
        var job = Job;
        var system = System;
        _job = null;
        _system = null;
        try
        {
            await job.StopAsync(_options.Timeout).ConfigureAwait(false);
        }
        finally
        {
            await system.Terminate().WaitAsync(_options.Timeout).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops the job with a savepoint (Flink's stop-with-savepoint, <see cref="RunningJob.StopWithSavepointAsync"/>): a
    /// final checkpoint behind the last records processed, stored as savepoint <paramref name="name"/>, publishes the
    /// exactly-once sinks' output; nothing is processed after it. Then its node stops. <see cref="RestoreAsync"/> starts the
    /// job again from it (the newest complete checkpoint), as does <c>StartJobAsync(build, new JobRunnerOptions {
    /// FromSavepoint = name })</c>.
    /// </summary>
    /// <param name="name">The savepoint's name.</param>
    /// <param name="drain">End the input first: every event-time window and timer fires (Flink's <c>stop --drain</c>).</param>
    /// <returns>The savepoint's record.</returns>
    public async Task<CheckpointRecord> StopJobWithSavepointAsync(string name, bool drain = false)
    {
        var job = Job;
        var system = System;
        try
        {
            var savepoint = await job.StopWithSavepointAsync(name, _options.Timeout, drain).ConfigureAwait(false);
            _job = null;
            _system = null;
            await system.Terminate().WaitAsync(_options.Timeout).ConfigureAwait(false);
            return savepoint;
        }
        catch (Exception e) when (e is not OutOfMemoryException && job.Completion.IsCompleted)
        {
            // The job stopped anyway (the savepoint's checkpoint completed too late, or StopAsync came first): so does its node.
            _job = null;
            _system = null;
            await system.Terminate().WaitAsync(_options.Timeout).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Terminates the node (if one runs), stops the broker and deletes the temporary state directory.</summary>
    /// <returns>A task that completes when everything is cleaned up.</returns>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_system is { } system)
            {
                _job = null;
                _system = null;
                await system.Terminate().WaitAsync(_options.Timeout).ConfigureAwait(false);
            }
        }
        finally
        {
            Topics.Dispose();
            Kafka.Dispose();
            if (_ownsDirectory && Directory.Exists(DataDirectory))
            {
                ActorFlow.Persistence.Sql.SqliteConnections.ClearAllPools();
                Directory.Delete(DataDirectory, recursive: true);
            }
        }
    }

    private async Task<RunningJob> StartAsync()
    {
        _system = await ActorFlowCluster.StartNodeAsync(_options.NodeName, StateStore, overrides: _options.NodeConfig).WaitAsync(_options.Timeout).ConfigureAwait(false);
        try
        {
            _job = await JobRunner.StartAsync(_system, _build!(this), _runnerOptions).WaitAsync(_options.Timeout).ConfigureAwait(false);
            return _job;
        }
        catch
        {
            var system = _system;
            _system = null;
            await system.Terminate().WaitAsync(_options.Timeout).ConfigureAwait(false);
            throw;
        }
    }
}
