using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;

namespace ActorFlow.Kafka.Embedded;

/// <summary>
/// An in-process Kafka cluster: librdkafka's mock cluster, which speaks the Kafka protocol on random
/// 127.0.0.1 TCP ports, so any Kafka client (in this or another process) can connect to
/// <see cref="BootstrapServers"/>. It keeps data in memory only, trims each partition at about 5 MB,
/// and does not support the admin API (create topics through <see cref="CreateTopic"/>).
/// ActorFlow uses it when no <c>bootstrap.servers</c> is configured.
/// </summary>
public sealed unsafe class EmbeddedKafka : IDisposable
{
    private readonly MockClusterNative _native;
    private readonly ConcurrentDictionary<string, int> _topics = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private nint _client;
    private nint _cluster;

    private EmbeddedKafka(MockClusterNative native, nint client, nint cluster, int brokerCount)
    {
        _native = native;
        _client = client;
        _cluster = cluster;
        BrokerCount = brokerCount;
        BootstrapServers = Marshal.PtrToStringUTF8(native.ClusterBootstraps(cluster))
            ?? throw new EmbeddedKafkaException("The mock cluster started but reported no bootstrap address.");
    }

    /// <summary>Comma-separated <c>host:port</c> list of the brokers, for <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Number of brokers; their ids are 1..<see cref="BrokerCount"/>.</summary>
    public int BrokerCount { get; }

    /// <summary>Topics created through this instance, with their partition counts.</summary>
    public IReadOnlyDictionary<string, int> Topics => _topics;

    /// <summary>The path of the native librdkafka that hosts the cluster.</summary>
    public string NativeLibraryPath => _native.LibraryPath;

    /// <summary>Starts a mock cluster. Throws <see cref="EmbeddedKafkaException"/> naming what is missing when it cannot.</summary>
    public static EmbeddedKafka Start(EmbeddedKafkaOptions? options = null)
    {
        options ??= new EmbeddedKafkaOptions();
        options.Validate();
        var native = MockClusterNative.Instance;

        var conf = native.ConfNew();
        SetConf(native, conf, "log_level", "3");
        SetConf(native, conf, "test.mock.default.partition.cnt", options.DefaultPartitions.ToString(System.Globalization.CultureInfo.InvariantCulture), optional: true);
        var errors = stackalloc byte[512];
        var client = native.KafkaNew(0, conf, errors, 512);
        if (client == 0)
        {
            throw new EmbeddedKafkaException("librdkafka could not create the handle for the mock cluster: " + Text(errors));
        }

        var cluster = native.ClusterNew(client, options.BrokerCount);
        if (cluster == 0)
        {
            native.KafkaDestroy(client);
            throw new EmbeddedKafkaException($"librdkafka could not start a mock cluster of {options.BrokerCount} broker(s).");
        }

        var kafka = new EmbeddedKafka(native, client, cluster, options.BrokerCount);
        try
        {
            // Without a controller id metadata requests stall; without a zero delay a new group waits 3 s.
            kafka.Check(native.SetControllerId(cluster, 1), "set the controller id");
            kafka.Check(native.GroupInitialRebalanceDelayMs(cluster, 0), "set the initial rebalance delay");
            foreach (var (name, partitions) in options.Topics)
            {
                kafka.CreateTopic(name, partitions);
            }
        }
        catch
        {
            kafka.Dispose();
            throw;
        }

        return kafka;
    }

    /// <summary>Creates a topic with <paramref name="partitions"/> partitions; a no-op when it exists with that count.</summary>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        ValidateTopic(name, partitions);
        if (replicationFactor < 1 || replicationFactor > BrokerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(replicationFactor), replicationFactor,
                $"The replication factor must be between 1 and the broker count ({BrokerCount}).");
        }

        lock (_gate)
        {
            if (_topics.TryGetValue(name, out var existing))
            {
                if (existing != partitions)
                {
                    throw new EmbeddedKafkaException($"Topic '{name}' exists with {existing} partitions, not {partitions}.");
                }

                return;
            }

            var bytes = Encoding.UTF8.GetBytes(name + "\0");
            fixed (byte* topic = bytes)
            {
                Check(_native.TopicCreate(Cluster(), topic, partitions, replicationFactor), $"create topic '{name}'");
            }

            _topics[name] = partitions;
        }
    }

    /// <summary>Takes broker <paramref name="brokerId"/> (1-based) down: its connections close and it refuses new ones.</summary>
    public void SetBrokerDown(int brokerId)
    {
        ValidateBroker(brokerId);
        lock (_gate)
        {
            Check(_native.BrokerSetDown(Cluster(), brokerId), $"take broker {brokerId} down");
        }
    }

    /// <summary>Brings broker <paramref name="brokerId"/> (1-based) back up.</summary>
    public void SetBrokerUp(int brokerId)
    {
        ValidateBroker(brokerId);
        lock (_gate)
        {
            Check(_native.BrokerSetUp(Cluster(), brokerId), $"bring broker {brokerId} up");
        }
    }

    /// <summary>
    /// Deletes the records of <paramref name="topic"/> [<paramref name="partition"/>] before offset <paramref name="before"/>,
    /// as retention or Kafka's DeleteRecords does: the partition's log start moves to it (a consumer asking for an earlier
    /// offset is out of range and resets by its <c>auto.offset.reset</c>).
    /// </summary>
    public void DeleteRecords(string topic, int partition, long before)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var bytes = Encoding.UTF8.GetBytes(topic + "\0");
        lock (_gate)
        {
            fixed (byte* name = bytes)
            {
                Check(_native.PartitionDeleteRecords(Cluster(), name, partition, before), $"delete the records of {topic} [{partition}] before offset {before}");
            }
        }
    }

    /// <summary>
    /// The next <paramref name="errors"/>.Length requests of Kafka API <paramref name="apiKey"/> (0: Produce), from any
    /// client, fail with these errors in turn (librdkafka's <c>rd_kafka_mock_push_request_errors_array</c>; for tests).
    /// </summary>
    internal void PushRequestErrors(short apiKey, params Confluent.Kafka.ErrorCode[] errors)
    {
        var codes = errors.Select(e => (int)e).ToArray();
        lock (_gate)
        {
            fixed (int* first = codes)
            {
                _native.PushRequestErrors(Cluster(), apiKey, (nuint)codes.Length, first);
            }
        }
    }

    /// <summary>Stops the cluster; its data is gone. Clients still connected see the brokers go away.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != 0)
            {
                _native.ClusterDestroy(_cluster);
                _cluster = 0;
            }

            if (_client != 0)
            {
                _native.KafkaDestroy(_client);
                _client = 0;
            }
        }
    }

    internal static void ValidateTopic(string name, int partitions)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > 249 || name.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-')))
        {
            throw new ArgumentException($"'{name}' is not a valid Kafka topic name (ASCII letters, digits, '.', '_', '-'; at most 249).", nameof(name));
        }

        if (partitions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(partitions), partitions, $"Topic '{name}' needs at least one partition.");
        }
    }

    private static void SetConf(MockClusterNative native, nint conf, string name, string value, bool optional = false)
    {
        var errors = stackalloc byte[512];
        var n = Encoding.UTF8.GetBytes(name + "\0");
        var v = Encoding.UTF8.GetBytes(value + "\0");
        fixed (byte* pn = n, pv = v)
        {
            var result = native.ConfSet(conf, pn, pv, errors, 512);
            if (result != 0 && !optional)
            {
                throw new EmbeddedKafkaException($"librdkafka rejected '{name}={value}': {Text(errors)}");
            }
        }
    }

    private static string Text(byte* errors) => Marshal.PtrToStringUTF8((nint)errors) ?? "unknown error";

    private void ValidateBroker(int brokerId)
    {
        if (brokerId < 1 || brokerId > BrokerCount)
        {
            throw new ArgumentOutOfRangeException(nameof(brokerId), brokerId, $"Broker ids run from 1 to {BrokerCount}.");
        }
    }

    private nint Cluster() => _cluster != 0 ? _cluster : throw new ObjectDisposedException(nameof(EmbeddedKafka));

    private void Check(int error, string what)
    {
        if (error != 0)
        {
            throw new EmbeddedKafkaException($"The embedded broker could not {what}: {_native.ErrorText(error)} (code {error}).");
        }
    }
}
