using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Consumer;

/// <summary>
/// A user's <see cref="TopicSubscription.OffsetsOnAssign"/> runs in the rebalance, on the consumer's poll thread; what it
/// throws Confluent rethrows from Consume. An exception of a type the poll loop did not expect (a lookup in the user's
/// own store failing) escaped the thread and ended the whole process; it must fail the source instead.
/// </summary>
public sealed class ThrowingAssignCallbackSpec(ITestOutputHelper output) : KafkaSpecBase(output)
{
    /// <summary>Verify that a KeyNotFoundException thrown by OffsetsOnAssign fails the source's stream with that exception.</summary>
    [Fact]
    public async Task An_exception_of_OffsetsOnAssign_must_fail_the_source_not_the_process()
    {
        Produce(10);
        var subscription = new TopicSubscription([Topic], _ => throw new KeyNotFoundException("no stored offset for the partition (injected)"));

        var records = KafkaConsumer.PlainSource(ConsumerSettings("throwing-assign"), subscription)
            .RunWith(Sink.Seq<ConsumeResult<string, string>>(), Materializer);

        var e = await Assert.ThrowsAnyAsync<Exception>(() => records.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("no stored offset for the partition (injected)", e.ToString(), StringComparison.Ordinal);
    }
}
