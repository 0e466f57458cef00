using System.Reflection;
using System.Runtime.InteropServices;
using ActorFlow.Kafka.Embedded;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Producer;

/// <summary>
/// Makes the embedded broker answer the next requests of one Kafka API with given errors
/// (librdkafka's <c>rd_kafka_mock_push_request_errors_array</c>). Needed because the mock cluster's
/// InitProducerId hands a second producer with the same transactional.id a new producer id instead of
/// bumping the epoch, so it never fences the older producer by itself; the specs inject the broker's
/// fencing answer instead.
/// </summary>
internal static class MockBrokerFaults
{
    /// <summary>Kafka API key of AddPartitionsToTxn.</summary>
    public const short AddPartitionsToTxn = 24;

    /// <summary>Kafka API key of Produce.</summary>
    public const short Produce = 0;

    /// <summary>Kafka API key of EndTxn.</summary>
    public const short EndTxn = 26;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void PushErrorsArray(nint cluster, short apiKey, nuint count, int[] errors);

    // TODO: replace the reflection with a public EmbeddedKafka.PushRequestErrors once the embedded broker exposes it.
    public static void PushRequestErrors(EmbeddedKafka kafka, short apiKey, params ErrorCode[] errors)
    {
        var cluster = (nint)(typeof(EmbeddedKafka).GetField("_cluster", BindingFlags.NonPublic | BindingFlags.Instance)
            ?? throw new InvalidOperationException("EmbeddedKafka no longer has a _cluster field.")).GetValue(kafka)!;
        var library = NativeLibrary.Load(kafka.NativeLibraryPath);
        var push = Marshal.GetDelegateForFunctionPointer<PushErrorsArray>(NativeLibrary.GetExport(library, "rd_kafka_mock_push_request_errors_array"));
        push(cluster, apiKey, (nuint)errors.Length, errors.Select(e => (int)e).ToArray());
    }
}
