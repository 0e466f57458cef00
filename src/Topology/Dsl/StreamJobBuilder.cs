using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.Watermarks;
using ActorFlow.Persistence.Partitioning;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Dsl;

/// <summary>
/// Builds a job: <c>StreamJobBuilder.Create("name").FromSource(...).Where(...).KeyBy(...).Process(...).To(sink)</c>,
/// then <see cref="Build"/>, which validates the graph and fails with a message naming the problem.
/// </summary>
public sealed class StreamJobBuilder
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    private StreamJobBuilder(string name) => Name = name;

    /// <summary>The job's name; it names the shard region and the persistence ids of its key groups.</summary>
    public string Name { get; }

    /// <summary>The job as a graph of sources, keyed stages, streams and sinks.</summary>
    internal JobGraph Graph { get; } = new() { MaxParallelism = KeyGroups.DefaultMaxParallelism };

    internal ISinkConnector<DeadLetterRecord>? DeadLetters { get; private set; }

    /// <summary>Serializers of the job's key, record, result and side-output types (built-ins only by default).</summary>
    internal SerializerRegistry Serializers => Graph.Serializers;

    /// <summary>Starts a job named <paramref name="name"/> (letters, digits, '-', '_').</summary>
    public static StreamJobBuilder Create(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException($"Job name '{name}' may only hold ASCII letters, digits, '-' and '_'.", nameof(name));
        }

        return new StreamJobBuilder(name);
    }

    /// <summary>Reads <paramref name="connector"/>, with timestamps and watermarks from <paramref name="watermarks"/> per partition.</summary>
    public DataStream<T> FromSource<T>(string name, ISourceConnector<T> connector, WatermarkStrategy<T> watermarks)
    {
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(watermarks);
        Claim(name);
        var root = new SourceRoot<T>(name, connector, watermarks);
        Graph.Roots.Add(root);
        return new DataStream<T>(this, new SourceOrigin<T>(root));
    }

    /// <summary>
    /// Sends records that fail (decoding, timestamps, user code) to <paramref name="sink"/>. Default: logged and counted.
    /// A sink that implements <see cref="IFlushingSinkConnector{T}"/> (the Kafka one) is flushed at every checkpoint's
    /// barrier as the job's other flushing sinks are, and its failure fails the run over.
    /// </summary>
    public StreamJobBuilder WithDeadLetters(ISinkConnector<DeadLetterRecord> sink)
    {
        DeadLetters = sink ?? throw new ArgumentNullException(nameof(sink));
        return this;
    }

    /// <summary>Number of key groups (default 128); it bounds how far the job can scale out and cannot change for existing state.</summary>
    public StreamJobBuilder WithMaxParallelism(int maxParallelism)
    {
        KeyGroups.ValidateMaxParallelism(maxParallelism);
        Graph.MaxParallelism = maxParallelism;
        return this;
    }

    /// <summary>
    /// Serializers for the types of a keyed job that cross cluster nodes: each keyed operator's key and input record
    /// type, its result type when a stream reads it, and the type of every side output a stream reads. Built-ins (primitives, string,
    /// byte[], Guid, pairs of those) need no registration. A job without a serializer for one of these types runs
    /// on a single node; starting it where the cluster has more than one member (or hosting it with
    /// <see cref="JobRunner.HostAsync"/>) fails, naming the type.
    /// </summary>
    public StreamJobBuilder WithSerializers(SerializerRegistry serializers)
    {
        Graph.Serializers = serializers ?? throw new ArgumentNullException(nameof(serializers));
        return this;
    }

    /// <summary>Validates the job and returns it, ready to run.</summary>
    public StreamJob Build()
    {
        if (Graph.Roots.Count == 0)
        {
            throw new InvalidOperationException($"Job '{Name}' has no source: call FromSource(...).");
        }

        if (Graph.Sinks.Count == 0)
        {
            throw new InvalidOperationException($"Job '{Name}' has no sink: end the stream with To(sink).");
        }

        if (Graph.Roots.FirstOrDefault(r => !r.Consumed) is { } dangling)
        {
            throw new InvalidOperationException($"Job '{Name}': source '{dangling.Name}' does not reach the sink; union it with the stream that does, or remove it.");
        }

        if (Graph.Broadcasts.FirstOrDefault(b => !b.Connected()) is { Description: { } broadcast })
        {
            throw new InvalidOperationException($"Job '{Name}': the broadcast of {broadcast} has no consumer; connect it to a keyed stream (keyed.Connect(broadcast).Process(...)), or remove it.");
        }

        if (Graph.Unconsumed() is { } unread)
        {
            throw new InvalidOperationException($"Job '{Name}': {unread} is not consumed; send it to a sink (To), process it further, or remove it.");
        }

        foreach (var stage in Graph.Stages)
        {
            try
            {
                // Each operator made twice, as two of its key groups will make it, so that a missing serializer, a shared
                // function or a factory that throws fails here, naming the operator, not in the running job's key groups.
                stage.Validate();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidOperationException($"Job '{Name}': {stage.Title} cannot be built: {e.Message}", e);
            }
        }

        Graph.Complete();
        return new StreamJob(Name, Graph, DeadLetters, Graph.MaxParallelism) { Wire = Graph.IsKeyed ? Graph.WireFormat(Serializers) : null };
    }

    internal void Claim(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_names.Add(name))
        {
            throw new ArgumentException($"Job '{Name}' already has an operator named '{name}'; operator names must be unique.", nameof(name));
        }
    }
}
