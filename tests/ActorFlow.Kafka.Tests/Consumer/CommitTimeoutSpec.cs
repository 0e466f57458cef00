using System.Collections.Concurrent;
using System.Diagnostics;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Consumer;

/// <summary>
/// A commit the group coordinator does not answer (its broker is down) fails its caller after <c>commit-timeout</c> with
/// a <see cref="TimeoutException"/>, as Akka.Streams.Kafka's; it waited until librdkafka gave up (20 s and more here),
/// holding whatever awaited it (the checkpoint coordinator's pruning after a completed checkpoint).
/// </summary>
public sealed class CommitTimeoutSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 2)
{
    /// <summary>Verify that a commit during a broker outage fails within commit-timeout, and that the consumer still stops.</summary>
    [Fact]
    public async Task An_unanswered_commit_must_fail_after_the_commit_timeout()
    {
        var seen = new ConcurrentQueue<CommittableMessage<string, string>>();
        var (control, _) = KafkaConsumer.CommittableSource(ConsumerSettings("unanswered").WithCommitTimeout(TimeSpan.FromSeconds(2)), Subscriptions.Topics(Topic))
            .ToMaterialized(Sink.ForEach<CommittableMessage<string, string>>(seen.Enqueue), Keep.Both)
            .Run(Materializer);
        Produce(10);
        await AwaitAssertAsync(() => Assert.Equal(10, seen.Count), TimeSpan.FromSeconds(30));
        await seen.First().CommittableOffset.CommitAsync(); // the coordinator is known and answers

        Kafka.SetBrokerDown(1);
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TimeoutException>(() => seen.Last().CommittableOffset.CommitAsync().WaitAsync(TimeSpan.FromSeconds(60)));

        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(10));
        Assert.Contains("commit-timeout (2 s)", error.Message, StringComparison.Ordinal);
        Kafka.SetBrokerUp(1);
        await control.ShutdownAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }
}
