using System.Globalization;
using System.Text;
using ActorFlow.Kafka.Connectors;
using ActorFlow.Kafka.Settings;
using ActorFlow.Kafka.Tests.Consumer;
using ActorFlow.Topology.Connectors;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Connectors;

/// <summary>
/// The exactly-once sink writes the headers a message encoder gives (a trace id, a header naming the value's schema),
/// kept with the value in the checkpoint record, before its own <c>actorflow.*</c> headers: it could write a key and a
/// value only, where Flink's KafkaRecordSerializationSchema and the plain sinks take headers. A message header under one
/// of the sink's names is not written (a later publish would read it as the partition's tail).
/// </summary>
public sealed class ExactlyOnceHeadersSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 2)
{
    /// <summary>
    /// Verify each record's headers in order (repeated names, a null value), a record without headers and a tombstone
    /// with headers, and that publishing the epoch again (recovery) skips what is there.
    /// </summary>
    [Fact]
    public async Task A_messages_headers_must_be_published_with_it_once()
    {
        var settings = ProducerSettings<byte[], byte[]>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers);
        Func<int, Message<byte[], byte[]>> encode = i => new Message<byte[], byte[]>
        {
            Key = Encoding.UTF8.GetBytes("k" + i.ToString(CultureInfo.InvariantCulture)),
            Value = i == 3 ? null! : Encoding.UTF8.GetBytes("v" + i.ToString(CultureInfo.InvariantCulture)),
            Headers = i == 2 ? null! : new Headers { { "trace", Encoding.UTF8.GetBytes("t" + i.ToString(CultureInfo.InvariantCulture)) }, { "hop", [1] }, { "hop", [2] }, { "empty", null! }, { "actorflow.writer", [9] } },
        };
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var sink = (ICheckpointedSink<int>)KafkaConnectors.ExactlyOnceSink(settings, Topic, encode);
            await sink.PublishAsync(4, [.. Enumerable.Range(0, 5).Select(i => sink.Encode(i, 1_000 + i))], CancellationToken.None);
            await sink.CloseAsync();
            (sink as IDisposable)?.Dispose();
        }

        var read = ReadTopic(2).ToDictionary(r => Text(r.Message.Key), StringComparer.Ordinal);
        Assert.Equal(5, read.Count);
        foreach (var (key, record) in read)
        {
            var i = int.Parse(key[1..], CultureInfo.InvariantCulture);
            var headers = record.Message.Headers.Select(h => (h.Key, h.GetValueBytes() is { } b ? Convert.ToHexString(b) : null)).ToList();
            var own = headers.Where(h => !h.Key.StartsWith("actorflow.", StringComparison.Ordinal)).ToList();
            if (i == 2)
            {
                Assert.Empty(own);
            }
            else
            {
                Assert.Equal([("trace", Convert.ToHexString(Encoding.UTF8.GetBytes("t" + key[1..]))), ("hop", "01"), ("hop", "02"), ("empty", null)], own);
                Assert.Equal("actorflow.epoch", headers[own.Count].Key); // the sink's after the message's
                Assert.DoesNotContain(headers, h => h.Key == "actorflow.writer"); // the message's own under the sink's name is not written
            }

            Assert.Equal(i == 3 ? null : "v" + key[1..], record.Message.Value is null ? null : Text(record.Message.Value));
            Assert.Equal(1_000 + i, record.Message.Timestamp.UnixTimestampMs);
        }
    }
}
