using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Embedded;
using ActorFlow.Kafka.Producer;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Streams.TestKit;
using Confluent.Kafka;
using static ActorFlow.Kafka.Tests.Producer.ProducerSpecSupport;

namespace ActorFlow.Kafka.Tests.Producer;

/// <summary>
/// A transactional flow that stops with a transaction open (upstream failed, downstream cancelled) aborts it, as
/// Alpakka's stage does on failure: left to the broker, it holds read_committed readers of its partitions at the last
/// stable offset until transaction.timeout.ms. And a failure while a transaction call runs (InitTransactions against a
/// broker that is down) reaches the stream at once, not after the call's timeout: the client is closed off the stage's
/// thread. (The embedded broker shows aborted records that reached it, so the abort is seen through the stage's log.)
/// </summary>
public sealed class TransactionalFlowStopSpec() : Akka.TestKit.Xunit2.TestKit("akka.loglevel = INFO")
{
    private const string Aborted = "with an open transaction of 3 record(s); aborted it";

    /// <summary>Verify that an upstream failure with a transaction open fails the stream with that failure and aborts the transaction.</summary>
    [Fact]
    public async Task An_upstream_failure_must_abort_the_open_transaction()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 2 } });

        await EventFilter.Info(contains: Aborted).ExpectOneAsync(TimeSpan.FromSeconds(30), async () =>
        {
            // The failure comes after every record: the three after the commit are in the open transaction.
            var messages = CommittedThenOpen().ToList();
            var run = Source.From(Enumerable.Range(0, messages.Count + 1))
                .Select(i => i < messages.Count ? messages[i] : throw new InvalidOperationException("upstream broke"))
                .Via(KafkaProducer.TransactionalFlow(SettingsFor(kafka.BootstrapServers), "tx-failed"))
                .RunWith(Sink.Seq<TransactionEvent>(), Sys.Materializer());
            Assert.Equal("upstream broke", (await Assert.ThrowsAsync<InvalidOperationException>(() => run)).Message);
        });
    }

    /// <summary>Verify that a downstream cancellation with a transaction open aborts the transaction.</summary>
    [Fact]
    public async Task A_downstream_cancellation_must_abort_the_open_transaction()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 2 } });

        await EventFilter.Info(contains: Aborted).ExpectOneAsync(TimeSpan.FromSeconds(30), async () =>
        {
            var output = Source.From(CommittedThenOpen()).Concat(Source.Never<TransactionalMessage<string, string>>())
                .Via(KafkaProducer.TransactionalFlow(SettingsFor(kafka.BootstrapServers), "tx-cancelled"))
                .RunWith(this.SinkProbe<TransactionEvent>(), Sys.Materializer());
            output.Request(10);
            // 60 s: transaction setup and delivery against the embedded broker on a loaded machine (it only bounds a hang).
            Assert.Equal(new TransactionCommitted(1, 2), await output.ExpectNextAsync(TimeSpan.FromSeconds(60)));
            output.Cancel();
        });
    }

    /// <summary>Verify that a failure while InitTransactions waits for a broker that is down reaches the stream long before the call's timeout.</summary>
    [Fact]
    public async Task A_failure_during_a_transaction_call_must_reach_the_stream_at_once()
    {
        using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Topics = new Dictionary<string, int> { ["t"] = 2 } });
        kafka.SetBrokerDown(1);
        var settings = SettingsFor(kafka.BootstrapServers).WithTransactionTimeout(TimeSpan.FromMinutes(2));
        var (input, output) = this.SourceProbe<TransactionalMessage<string, string>>()
            .Via(KafkaProducer.TransactionalFlow(settings, "tx-init"))
            .ToMaterialized(this.SinkProbe<TransactionEvent>(), Keep.Both)
            .Run(Sys.Materializer());
        output.Request(1);

        input.SendError(new InvalidOperationException("upstream broke while initializing"));

        // Before, disposing the client on the stage's thread waited for InitTransactions: 2 minutes here.
        var error = await output.ExpectErrorWithinAsync();
        Assert.Equal("upstream broke while initializing", error.Message);
    }

    /// <summary>A transaction of two records committed, then one of three records left open.</summary>
    private static IEnumerable<TransactionalMessage<string, string>> CommittedThenOpen() =>
    [
        TransactionalMessage.Record(Record(0)), TransactionalMessage.Record(Record(1)), TransactionalMessage.Commit<string, string>(1),
        TransactionalMessage.Record(Record(2)), TransactionalMessage.Record(Record(3)), TransactionalMessage.Record(Record(4)),
    ];

    private static ProducerRecord<string, string> Record(int i) =>
        new("t", new Partition(i % 2), new Message<string, string> { Key = "k" + i, Value = "v" + i });
}
