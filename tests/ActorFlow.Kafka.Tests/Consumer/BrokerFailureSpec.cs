using System.Collections.Concurrent;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Consumer;

public sealed class BrokerFailureSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 2)
{
    /// <summary>Verify that a source keeps going after its broker is down for a few seconds, losing nothing.</summary>
    [Fact]
    public async Task A_PlainSource_must_resume_without_loss_after_the_broker_comes_back()
    {
        var seen = new ConcurrentDictionary<string, bool>();
        var (control, done) = KafkaConsumer.PlainSource(ConsumerSettings("outage"), Subscriptions.Topics(Topic))
            .ToMaterialized(Sink.ForEach<ConsumeResult<string, string>>(r => seen[r.Message.Value] = true), Keep.Both)
            .Run(Materializer);
        Produce(100);
        await AwaitAssertAsync(() => Assert.Equal(100, seen.Count), TimeSpan.FromSeconds(30));

        Kafka.SetBrokerDown(1);
        await Task.Delay(TimeSpan.FromSeconds(3)); // the outage itself, not a wait for a result
        Kafka.SetBrokerUp(1);
        Produce(100, start: 100);

        await AwaitAssertAsync(() => Assert.Equal(200, seen.Count), TimeSpan.FromSeconds(30));
        Assert.False(done.IsCompleted);
        await control.ShutdownAsync();
    }

    /// <summary>Verify that a source whose broker cannot be reached fails after the connection timeout with the broker's error.</summary>
    [Fact]
    public async Task A_PlainSource_must_fail_when_no_broker_is_reachable()
    {
        var settings = ConsumerSettings("nobody")
            .WithBootstrapServers("127.0.0.1:1")
            .WithConnectionTimeout(TimeSpan.FromSeconds(2));
        var done = KafkaConsumer.PlainSource(settings, Subscriptions.Topics(Topic)).RunWith(Sink.Ignore<ConsumeResult<string, string>>(), Materializer);

        var error = await Assert.ThrowsAsync<KafkaException>(() => done.WaitAsync(TimeSpan.FromSeconds(20)));
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }
}
