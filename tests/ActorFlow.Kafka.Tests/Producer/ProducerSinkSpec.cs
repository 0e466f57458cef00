using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using static ActorFlow.Kafka.Tests.Producer.ProducerSpecSupport;

namespace ActorFlow.Kafka.Tests.Producer;

public sealed class ProducerSinkSpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly IMaterializer _materializer;

    public ProducerSinkSpec()
    {
        _materializer = Sys.Materializer();
    }

    /// <summary>Verify that the sink's task completes only once every record is acknowledged: the broker holds them all right then.</summary>
    [Fact]
    public async Task A_PlainSink_must_complete_after_every_record_is_delivered()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 4 } });

        await Source.From(Enumerable.Range(0, 5000))
            .Select(i => new ProducerRecord<string, string>("t", "k" + i, "v" + i))
            .RunWith(KafkaProducer.PlainSink(SettingsFor(kafka.BootstrapServers).WithParallelism(64)), _materializer);

        using var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "w" }).Build();
        var high = Enumerable.Range(0, 4).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition("t", p), TimeSpan.FromSeconds(5)).High.Value);
        Assert.Equal(5000, high);
        var values = ReadAll(kafka.BootstrapServers, "t", 4).Select(r => r.Message.Value).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 5000).Select(i => "v" + i).Order(), values);
    }

    /// <summary>
    /// Verify that a sink whose client cannot be made (a property librdkafka does not know) fails its task with the
    /// client's reason, not with an abrupt termination that names none (the reason was only in the log).
    /// </summary>
    [Fact]
    public async Task A_PlainSink_must_fail_with_the_reason_its_client_cannot_be_made()
    {
        var settings = SettingsFor("127.0.0.1:1").WithProperty("no.such.property", "1");

        var error = await Assert.ThrowsAnyAsync<Exception>(() =>
            Source.Single(new ProducerRecord<string, string>("t", "k", "v")).RunWith(KafkaProducer.PlainSink(settings), _materializer).WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.IsNotType<AbruptStageTerminationException>(error);
        Assert.Contains("no.such.property", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that the sink takes no more than its parallelism while reports are missing, and finishes once the broker is back.</summary>
    [Fact]
    public async Task A_PlainSink_must_keep_at_most_parallelism_records_in_flight()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 2 } });
        kafka.SetBrokerDown(1);
        var pulled = 0;
        var done = Source.From(Enumerable.Range(0, 100))
            .Select(i =>
            {
                Interlocked.Increment(ref pulled);
                return new ProducerRecord<string, string>("t", new Partition(i % 2), new Message<string, string> { Key = "k", Value = "v" + i });
            })
            .RunWith(KafkaProducer.PlainSink(SettingsFor(kafka.BootstrapServers).WithParallelism(8)), _materializer);

        // 30 s: it covers the stream's materialisation and the librdkafka producer's build, slow on a loaded machine.
        await AwaitConditionAsync(() => Task.FromResult(Volatile.Read(ref pulled) == 8), TimeSpan.FromSeconds(30));
        await Task.WhenAny(done, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.False(done.IsCompleted);
        Assert.Equal(8, Volatile.Read(ref pulled));

        kafka.SetBrokerUp(1);
        await done.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(100, ReadAll(kafka.BootstrapServers, "t", 2).Count);
    }

    /// <summary>Verify that a failed delivery fails the sink's task with the broker's error naming topic and partition.</summary>
    [Fact]
    public async Task A_PlainSink_must_fail_when_a_delivery_fails()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 2 } });
        var records = Enumerable.Range(0, 10).Select(i => new ProducerRecord<string, string>("t", new Partition(i == 5 ? 9 : 0), new Message<string, string> { Key = "k", Value = "v" }));

        var failure = await Assert.ThrowsAsync<KafkaException>(() =>
            Source.From(records).RunWith(KafkaProducer.PlainSink(SettingsFor(kafka.BootstrapServers)), _materializer));

        Assert.Contains("t [9]", failure.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCode.Local_UnknownPartition, failure.Error.Code);
    }

    /// <summary>Verify that an upstream failure fails the sink's task with that failure.</summary>
    [Fact]
    public async Task A_PlainSink_must_fail_when_upstream_fails()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 1 } });
        var failing = Source.Failed<ProducerRecord<string, string>>(new InvalidOperationException("boom"));

        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            failing.RunWith(KafkaProducer.PlainSink(SettingsFor(kafka.BootstrapServers)), _materializer));

        Assert.Equal("boom", failure.Message);
    }

    /// <summary>
    /// Verify that records the sink handed to the client before upstream failed are delivered, not purged with the
    /// client (a job's run that fails over ends its sink this way, and a checkpoint may already cover those records): with
    /// a 10 s linger they sat in the client's queue and were lost.
    /// </summary>
    [Fact]
    public async Task A_PlainSink_must_deliver_what_it_took_when_upstream_fails()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 1 } });
        var taken = Source.From(Enumerable.Range(0, 20)).Select(i => new ProducerRecord<string, string>("t", "k" + i, "v" + i));
        var failing = taken.Concat(Source.Failed<ProducerRecord<string, string>>(new InvalidOperationException("boom")));

        var settings = SettingsFor(kafka.BootstrapServers).WithProperty("linger.ms", "10000").WithFlushTimeout(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.RunWith(KafkaProducer.PlainSink(settings), _materializer));

        await AwaitConditionAsync(() => Task.FromResult(ReadAll(kafka.BootstrapServers, "t", 1).Count == 20), TimeSpan.FromSeconds(20));
    }
}
