using System.Collections.Concurrent;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Settings;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Consumer;

public sealed class RebalanceSpec(ITestOutputHelper output) : KafkaSpecBase(output, partitions: 4)
{
    /// <summary>
    /// Verify that two consumers of one group, joining and leaving while records flow, process every record and that
    /// the group's committed offsets never move backwards.
    /// </summary>
    [Fact]
    public async Task Two_consumers_of_a_group_must_process_everything_while_rebalancing()
    {
        const string group = "rebalance";
        var seen = new ConcurrentDictionary<int, int>();
        var byConsumer = new ConcurrentDictionary<string, int>();
        var committing = CommitterSettings.Create(Sys).WithMaxInterval(TimeSpan.FromMilliseconds(50));
        (IControl Control, Task<Akka.Done> Done) Run(string name) =>
            KafkaConsumer.CommittableSource(ConsumerSettings(group), Subscriptions.Topics(Topic))
                .Select(m =>
                {
                    byConsumer.AddOrUpdate(name, 1, (_, n) => n + 1);
                    seen.AddOrUpdate(int.Parse(m.Record.Message.Value, System.Globalization.CultureInfo.InvariantCulture), 1, (_, n) => n + 1);
                    return (ICommittable)m.CommittableOffset;
                })
                .ToMaterialized(Committer.Sink(committing), Keep.Both)
                .Named(name)
                .Run(Materializer);

        var highest = new Dictionary<int, long>();
        void CheckMonotonic()
        {
            foreach (var (p, offset) in Committed(group, 4))
            {
                Assert.True(offset >= highest.GetValueOrDefault(p), $"partition {p}: committed offset went back from {highest.GetValueOrDefault(p)} to {offset}");
                highest[p] = offset;
            }
        }

        var a = Run("a");
        Produce(400);
        await AwaitAssertAsync(() => Assert.True(seen.Count >= 100), TimeSpan.FromSeconds(30));
        CheckMonotonic();

        var b = Run("b"); // rebalance: partitions move from a to b
        Produce(400, start: 400);
        await AwaitAssertAsync(() => Assert.True(seen.Count >= 600), TimeSpan.FromSeconds(30));
        CheckMonotonic();

        await a.Control.DrainAndShutdownAsync(a.Done); // rebalance: b takes everything
        CheckMonotonic();
        Produce(400, start: 800);
        await AwaitAssertAsync(() => Assert.Equal(1200, seen.Count), TimeSpan.FromSeconds(30));
        await AwaitAssertAsync(() => { CheckMonotonic(); Assert.Equal(1200, Committed(group, 4).Values.Sum()); }, TimeSpan.FromSeconds(15));
        await b.Control.DrainAndShutdownAsync(b.Done);

        Assert.Equal(Enumerable.Range(0, 1200), seen.Keys.Order());
        Assert.True(byConsumer.GetValueOrDefault("b") > 0, "the second consumer never got a partition: no rebalance happened");
    }

    /// <summary>Verify that a partitioned source emits one sub-source per assigned partition, each holding only its partition.</summary>
    [Fact]
    public async Task A_PartitionedSource_must_emit_a_sub_source_per_partition()
    {
        Produce(200);
        var perPartition = new ConcurrentDictionary<int, ConcurrentBag<int>>();
        var (control, done) = KafkaConsumer.PlainPartitionedSource(ConsumerSettings("partitioned"), Subscriptions.Topics(Topic))
            .SelectAsyncUnordered(8, async pair =>
            {
                await pair.Records.RunForeach(r => perPartition.GetOrAdd(pair.Partition.Partition.Value, _ => []).Add(r.Partition.Value), Materializer);
                return pair.Partition;
            })
            .ToMaterialized(Sink.Seq<Confluent.Kafka.TopicPartition>(), Keep.Both)
            .Run(Materializer);

        await AwaitAssertAsync(() => Assert.Equal(200, perPartition.Values.Sum(b => b.Count)), TimeSpan.FromSeconds(30));
        Assert.Equal([0, 1, 2, 3], perPartition.Keys.Order());
        Assert.All(perPartition, kv => Assert.All(kv.Value, p => Assert.Equal(kv.Key, p)));

        await control.StopAsync(); // completes the outer source and every sub-source
        var completed = await done.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(4, completed.Count);
        await control.ShutdownAsync();
    }
}
