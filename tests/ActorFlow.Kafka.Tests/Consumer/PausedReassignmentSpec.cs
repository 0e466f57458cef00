using System.Collections.Concurrent;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Settings;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Consumer;

/// <summary>
/// A partition the consumer paused (its buffer was full: back-pressure) and that a rebalance took away and gave back
/// is consumed again: librdkafka keeps a partition's pause across a revoke and a new assignment, so the hub resumes
/// what it is assigned (before, the partition delivered nothing more, without an error, while its lag grew).
/// </summary>
public sealed class PausedReassignmentSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 2)
{
    /// <summary>Verify that a back-pressured consumer reads a partition that went to another consumer and came back.</summary>
    [Fact]
    public async Task A_paused_partition_given_back_must_be_consumed_again()
    {
        const string group = "paused-reassigned";
        Produce(6000); // 3,000 per partition: more than a partition's buffer holds at a max batch of 250 (1,000), so both pause
        var seen = new ConcurrentDictionary<int, string>();
        var gate = new TaskCompletionSource();
        var waiting = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var committing = CommitterSettings.Create(Sys).WithMaxInterval(TimeSpan.FromMilliseconds(50));
        (IControl Control, Task<Akka.Done> Done) Run(string name, bool gated) =>
            KafkaConsumer.CommittableSource(ConsumerSettings(group).WithMaxBatch(250), Subscriptions.Topics(Topic))
                .SelectAsync(1, async m =>
                {
                    if (gated)
                    {
                        waiting.TrySetResult();
                        await gate.Task;
                    }

                    seen.TryAdd(int.Parse(m.Record.Message.Value, System.Globalization.CultureInfo.InvariantCulture), name);
                    return (ICommittable)m.CommittableOffset;
                })
                .ToMaterialized(Committer.Sink(committing), Keep.Both)
                .Named(name)
                .Run(Materializer);

        var a = Run("a", gated: true); // reads both partitions into its buffers, pauses them, delivers nothing yet
        await waiting.Task.WaitAsync(TimeSpan.FromSeconds(30)); // it polls on, 250 records at a time, until both buffers are full
        var b = Run("b", gated: false); // takes one partition from a
        await AwaitAssertAsync(() => Assert.Contains("b", seen.Values), TimeSpan.FromSeconds(30));
        await b.Control.DrainAndShutdownAsync(b.Done); // gives it back to a
        gate.TrySetResult();
        Produce(2000, start: 6000);

        await AwaitAssertAsync(() => Assert.Equal(8000, seen.Count), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200));
        await a.Control.DrainAndShutdownAsync(a.Done);
    }
}
