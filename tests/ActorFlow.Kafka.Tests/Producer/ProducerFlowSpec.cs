using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Confluent.Kafka;
using static ActorFlow.Kafka.Tests.Producer.ProducerSpecSupport;

namespace ActorFlow.Kafka.Tests.Producer;

public sealed class ProducerFlowSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly IMaterializer _materializer;

    public ProducerFlowSpec()
    {
        _materializer = Sys.Materializer();
    }

    /// <summary>Verify that keys, partitions, timestamps and headers survive the flow and results come back in input order with their pass-through.</summary>
    [Fact]
    public async Task A_ProducerFlow_must_round_trip_records_and_emit_results_in_order()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 3 } });
        var envelopes = Enumerable.Range(0, 60).Select(i => i switch
        {
            20 => ProducerMessage.PassThrough<string, string, int>(i),
            30 => ProducerMessage.Multi([Record(i, 0), Record(i, 1)], i),
            _ => ProducerMessage.Single(Record(i, i % 3), i),
        });

        var results = await Source.From(envelopes)
            .Via(KafkaProducer.FlexiFlow<string, string, int>(SettingsFor(kafka.BootstrapServers).WithParallelism(7)))
            .RunWith(Sink.Seq<IResults<string, string, int>>(), _materializer);

        Assert.Equal(Enumerable.Range(0, 60), results.Select(r => r.PassThrough));
        Assert.IsType<PassThroughResult<string, string, int>>(results[20]);
        var multi = Assert.IsType<MultiResult<string, string, int>>(results[30]);
        Assert.Equal([0, 1], multi.Parts.Select(p => p.Offset.Partition.Value));
        var single = Assert.IsType<Result<string, string, int>>(results[4]);
        Assert.Equal(1, single.Offset.Partition.Value);
        Assert.Equal("v4", single.Record.Message.Value);

        var read = ReadAll(kafka.BootstrapServers, "t", 3);
        Assert.Equal(60, read.Count);
        foreach (var record in read.Where(r => r.Message.Value != "v30"))
        {
            var i = int.Parse(record.Message.Key[1..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(i % 3, record.Partition.Value);
            Assert.Equal("v" + i, record.Message.Value);
            Assert.Equal(1_000_000 + i, record.Message.Timestamp.UnixTimestampMs);
            Assert.Equal([(byte)i], record.Message.Headers.GetLastBytes("i"));
        }

        foreach (var partition in read.GroupBy(r => r.Partition.Value))
        {
            var inOffsetOrder = partition.OrderBy(r => r.Offset.Value).Select(r => r.Message.Timestamp.UnixTimestampMs).ToList();
            Assert.Equal(inOffsetOrder.Order(), inOffsetOrder);
        }
    }

    /// <summary>Verify that the flow takes no more than its parallelism from upstream while delivery reports are missing.</summary>
    [Fact]
    public async Task A_ProducerFlow_must_keep_at_most_parallelism_envelopes_in_flight()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 2 } });
        kafka.SetBrokerDown(1);
        var pulled = 0;
        var probe = Source.From(Enumerable.Range(0, 50))
            .Select(i =>
            {
                Interlocked.Increment(ref pulled);
                return ProducerMessage.Single(Record(i, i % 2), i);
            })
            .Via(KafkaProducer.FlexiFlow<string, string, int>(SettingsFor(kafka.BootstrapServers).WithParallelism(5)))
            .RunWith(this.SinkProbe<IResults<string, string, int>>(), _materializer);

        probe.Request(50);
        // 30 s: it covers the stream's materialisation and the librdkafka producer's build, slow on a loaded machine.
        await AwaitConditionAsync(() => Task.FromResult(Volatile.Read(ref pulled) == 5), TimeSpan.FromSeconds(30));
        await probe.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(500));
        Assert.Equal(5, Volatile.Read(ref pulled));

        kafka.SetBrokerUp(1);
        var results = await Collect(probe.ExpectNextNAsync(50, TimeSpan.FromSeconds(20)));
        Assert.Equal(Enumerable.Range(0, 50), results.Select(r => r.PassThrough));
        await probe.ExpectCompleteWithinAsync();
    }

    /// <summary>Verify that a record for a partition the topic does not have fails the flow with an error naming topic and partition.</summary>
    [Fact]
    public async Task A_ProducerFlow_must_fail_when_a_delivery_fails()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 2 } });
        var envelopes = new[] { ProducerMessage.Single(Record(0, 0), 0), ProducerMessage.Single(Record(1, 7), 1) };

        var failure = await Assert.ThrowsAsync<KafkaException>(() => Source.From(envelopes)
            .Via(KafkaProducer.FlexiFlow<string, string, int>(SettingsFor(kafka.BootstrapServers)))
            .RunWith(Sink.Seq<IResults<string, string, int>>(), _materializer));

        Assert.Contains("t [7]", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.Local_UnknownPartition, failure.Error.Code);
    }

    /// <summary>Verify that with the only broker down for a few seconds the flow delivers every record, once, after it is back.</summary>
    [Fact]
    public async Task A_ProducerFlow_must_deliver_everything_across_a_broker_outage()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 3 } });
        var settings = SettingsFor(kafka.BootstrapServers).WithParallelism(100).WithProperty("enable.idempotence", "true");
        var (upstream, downstream) = this.SourceProbe<IEnvelope<string, string, int>>()
            .Via(KafkaProducer.FlexiFlow<string, string, int>(settings))
            .ToMaterialized(this.SinkProbe<IResults<string, string, int>>(), Keep.Both)
            .Run(_materializer);
        downstream.Request(1000);
        await upstream.SendAllAsync(Enumerable.Range(0, 200).Select(i => ProducerMessage.Single(Record(i, Partition.Any), i)));

        await Collect(downstream.ExpectNextNAsync(200, TimeSpan.FromSeconds(10)));
        kafka.SetBrokerDown(1);
        await upstream.SendAllAsync(Enumerable.Range(200, 100).Select(i => ProducerMessage.Single(Record(i, Partition.Any), i)));

        await downstream.ExpectNoMsgAsync(TimeSpan.FromSeconds(3));
        kafka.SetBrokerUp(1);
        await upstream.SendAllAsync(Enumerable.Range(300, 100).Select(i => ProducerMessage.Single(Record(i, Partition.Any), i)));

        await upstream.SendCompleteAsync();
        var rest = await Collect(downstream.ExpectNextNAsync(200, TimeSpan.FromSeconds(20)));
        Assert.Equal(Enumerable.Range(200, 200), rest.Select(r => r.PassThrough));
        await downstream.ExpectCompleteWithinAsync();

        var values = ReadAll(kafka.BootstrapServers, "t", 3).Select(r => r.Message.Value).ToList();
        Assert.Equal(Enumerable.Range(0, 400).Select(i => "v" + i).Order(), values.Order());
    }

    /// <summary>Verify that two flows can share one producer that the caller owns and that it stays usable after they complete.</summary>
    [Fact]
    public async Task A_ProducerFlow_must_share_a_producer_it_does_not_own()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 2 } });
        var settings = SettingsFor(kafka.BootstrapServers);
        using var producer = KafkaProducer.CreateProducer(settings);
        var flow = KafkaProducer.FlexiFlow<string, string, int>(settings, producer);

        var first = Source.From(Enumerable.Range(0, 10)).Select(i => ProducerMessage.Single(Record(i, 0), i)).Via(flow).RunWith(Sink.Seq<IResults<string, string, int>>(), _materializer);
        var second = Source.From(Enumerable.Range(10, 10)).Select(i => ProducerMessage.Single(Record(i, 1), i)).Via(flow).RunWith(Sink.Seq<IResults<string, string, int>>(), _materializer);
        Assert.Equal(Enumerable.Range(0, 10), (await first).Select(r => r.PassThrough));
        Assert.Equal(Enumerable.Range(10, 10), (await second).Select(r => r.PassThrough));
        var report = await producer.ProduceAsync(new TopicPartition("t", 0), new Message<string, string> { Key = "after", Value = "after" });
        Assert.Equal(PersistenceStatus.Persisted, report.Status);
        Assert.Equal(21, ReadAll(kafka.BootstrapServers, "t", 2).Count);
    }

    private static ProducerRecord<string, string> Record(int i, Partition partition)
    {
        var message = new Message<string, string>
        {
            Key = "k" + i,
            Value = "v" + i,
            Timestamp = new Timestamp(1_000_000 + i, TimestampType.CreateTime),
            Headers = new Headers { { "i", [(byte)i] } },
        };
        return new ProducerRecord<string, string>("t", partition, message);
    }

    // System.Linq.Async (brought in by linq2db) and .NET 10 both define ToListAsync: avoid the ambiguity.
    private static async Task<List<T>> Collect<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }
}
