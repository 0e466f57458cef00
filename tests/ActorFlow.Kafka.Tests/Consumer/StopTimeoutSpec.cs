using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Consumer;

/// <summary>
/// A stop that the stream does not finish within stop-timeout (the source first hands out the records it took before the
/// stop, at the stream's pace) fails naming the setting and what goes on; it was a bare "The operation has timed out".
/// </summary>
public sealed class StopTimeoutSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 1)
{
    /// <summary>
    /// Verify that the timeout of a stop names stop-timeout and its value: the stream holds its first record until the
    /// stop has failed, so the stage, which completes only when the stream asks for more, cannot stop in time. (It held
    /// it 50 ms per record before: a first poll that took only a few records let the stop finish within 200 ms.)
    /// </summary>
    [Fact]
    public async Task A_stop_past_its_timeout_must_name_the_setting()
    {
        Produce(300);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (control, done) = KafkaConsumer.PlainSource(ConsumerSettings("stop-timeout").WithStopTimeout(TimeSpan.FromMilliseconds(200)), Subscriptions.Topics(Topic))
            .SelectAsync(1, async r =>
            {
                first.TrySetResult();
                await release.Task;
                return r;
            })
            .ToMaterialized(Sink.Ignore<Confluent.Kafka.ConsumeResult<string, string>>(), Keep.Both)
            .Run(Materializer);
        await first.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var e = await Assert.ThrowsAsync<TimeoutException>(control.StopAsync);

        Assert.Contains("stop-timeout (0.2 s)", e.Message, StringComparison.Ordinal);
        release.SetResult();
        await control.ShutdownAsync(); // the stream may go on with what the stage took; the test needs no more of it
    }
}
