using System.Diagnostics;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Embedded;

/// <summary>
/// INTERNAL API. Binds librdkafka's mock-cluster exports in the very native library that
/// Confluent.Kafka loaded, so the embedded broker and the clients share one librdkafka.
/// </summary>
internal sealed unsafe class MockClusterNative
{
    private static readonly Lazy<MockClusterNative> Shared = new(Bind, LazyThreadSafetyMode.ExecutionAndPublication);

    private MockClusterNative(string path, nint handle)
    {
        LibraryPath = path;
        ConfNew = (delegate* unmanaged<nint>)Export(handle, path, "rd_kafka_conf_new");
        ConfSet = (delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int>)Export(handle, path, "rd_kafka_conf_set");
        KafkaNew = (delegate* unmanaged<int, nint, byte*, nuint, nint>)Export(handle, path, "rd_kafka_new");
        KafkaDestroy = (delegate* unmanaged<nint, void>)Export(handle, path, "rd_kafka_destroy");
        ClusterNew = (delegate* unmanaged<nint, int, nint>)Export(handle, path, "rd_kafka_mock_cluster_new");
        ClusterBootstraps = (delegate* unmanaged<nint, nint>)Export(handle, path, "rd_kafka_mock_cluster_bootstraps");
        ClusterDestroy = (delegate* unmanaged<nint, void>)Export(handle, path, "rd_kafka_mock_cluster_destroy");
        TopicCreate = (delegate* unmanaged<nint, byte*, int, int, int>)Export(handle, path, "rd_kafka_mock_topic_create");
        SetControllerId = (delegate* unmanaged<nint, int, int>)Export(handle, path, "rd_kafka_mock_set_controller_id");
        GroupInitialRebalanceDelayMs = (delegate* unmanaged<nint, int, int>)Export(handle, path, "rd_kafka_mock_group_initial_rebalance_delay_ms");
        BrokerSetDown = (delegate* unmanaged<nint, int, int>)Export(handle, path, "rd_kafka_mock_broker_set_down");
        BrokerSetUp = (delegate* unmanaged<nint, int, int>)Export(handle, path, "rd_kafka_mock_broker_set_up");
        ErrToStr = (delegate* unmanaged<int, nint>)Export(handle, path, "rd_kafka_err2str");
        PushRequestErrors = (delegate* unmanaged<nint, short, nuint, int*, void>)Export(handle, path, "rd_kafka_mock_push_request_errors_array");
        PartitionDeleteRecords = (delegate* unmanaged<nint, byte*, int, long, int>)Export(handle, path, "rd_kafka_mock_partition_delete_records");
    }

    public string LibraryPath { get; }

    public delegate* unmanaged<nint> ConfNew { get; }

    public delegate* unmanaged<nint, byte*, byte*, byte*, nuint, int> ConfSet { get; }

    public delegate* unmanaged<int, nint, byte*, nuint, nint> KafkaNew { get; }

    public delegate* unmanaged<nint, void> KafkaDestroy { get; }

    public delegate* unmanaged<nint, int, nint> ClusterNew { get; }

    public delegate* unmanaged<nint, nint> ClusterBootstraps { get; }

    public delegate* unmanaged<nint, void> ClusterDestroy { get; }

    public delegate* unmanaged<nint, byte*, int, int, int> TopicCreate { get; }

    public delegate* unmanaged<nint, int, int> SetControllerId { get; }

    public delegate* unmanaged<nint, int, int> GroupInitialRebalanceDelayMs { get; }

    public delegate* unmanaged<nint, int, int> BrokerSetDown { get; }

    public delegate* unmanaged<nint, int, int> BrokerSetUp { get; }

    public delegate* unmanaged<int, nint> ErrToStr { get; }

    public delegate* unmanaged<nint, short, nuint, int*, void> PushRequestErrors { get; }

    public delegate* unmanaged<nint, byte*, int, long, int> PartitionDeleteRecords { get; }

    /// <summary>The bound library; throws <see cref="EmbeddedKafkaException"/> when it cannot be bound.</summary>
    public static MockClusterNative Instance => Shared.Value;

    public string ErrorText(int code) => Marshal.PtrToStringUTF8(ErrToStr(code)) ?? $"error {code}";

    private static MockClusterNative Bind()
    {
        try
        {
            Library.Load();
        }
        catch (Exception e)
        {
            throw new EmbeddedKafkaException(
                "The embedded Kafka broker needs librdkafka (package librdkafka.redist, brought by Confluent.Kafka), " +
                "and Confluent.Kafka could not load it: " + e.Message, e);
        }

        var path = FindLoadedLibrdkafka() ?? throw new EmbeddedKafkaException(
            "Confluent.Kafka reports librdkafka as loaded, but no librdkafka module was found among this process's " +
            "loaded modules, so the embedded broker cannot bind its mock-cluster API. Set bootstrap.servers to use a real Kafka.");
        if (!NativeLibrary.TryLoad(path, out var handle))
        {
            throw new EmbeddedKafkaException($"Could not open the loaded librdkafka at '{path}'.");
        }

        return new MockClusterNative(path, handle);
    }

    private static nint Export(nint handle, string path, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var address)
            ? address
            : throw new EmbeddedKafkaException(
                $"The librdkafka at '{path}' does not export '{name}', which the embedded broker needs " +
                "(librdkafka 2.x with the mock cluster is required). Set bootstrap.servers to use a real Kafka.");

    private static string? FindLoadedLibrdkafka()
    {
        foreach (ProcessModule module in Process.GetCurrentProcess().Modules)
        {
            if (module.ModuleName.Contains("rdkafka", StringComparison.OrdinalIgnoreCase))
            {
                return module.FileName;
            }
        }

        if (File.Exists("/proc/self/maps"))
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0 && line.Contains("rdkafka", StringComparison.Ordinal))
                {
                    return line[slash..].Trim();
                }
            }
        }

        return null;
    }
}
