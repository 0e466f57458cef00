using System.Reflection;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Consumer.Internal;
using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Consumer;

/// <summary>
/// The poll thread reads a burst of records before it files them into partition buffers, and rebalance callbacks run
/// inside <c>Consume</c>: a partition revoked and assigned again within one burst must not receive the records read
/// under its old assignment, which the new assignment reads again from the committed offset.
/// </summary>
public sealed class RevokeWithinPollBurstSpec
{
    private static readonly TopicPartition Partition = new("orders", 0);

    /// <summary>Verify that records polled before a revoke in the same burst are dropped, not filed into the next assignment.</summary>
    [Fact]
    public void Records_polled_before_a_revoke_in_the_same_burst_must_not_reach_the_next_assignment()
    {
        var listener = new Generations();
        var settings = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers("127.0.0.1:1");
        using var hub = new ConsumerHub<byte[], byte[]>(settings, Subscriptions.Topics(Partition.Topic), listener);
        hub.OnAssigned([Partition]);
        var consumer = DispatchProxy.Create<IConsumer<byte[], byte[]>, ScriptedConsumer>();
        var script = (ScriptedConsumer)(object)consumer;
        script.Steps =
        [
            () => Record(0),
            () => Record(1),
            () =>
            {
                // A rebalance inside Consume: revoked, assigned again, and read again from the committed offset 0.
                hub.OnRevoked([Partition]);
                hub.OnAssigned([Partition]);
                return Record(0);
            },
        ];

        hub.PollOnce(consumer);

        Assert.Equal([1, 2], listener.Assigned);
        var taken = new List<Polled<byte[], byte[]>>();
        Assert.Equal(TakeStatus.Data, hub.Take(Partition, 2, taken, 100, () => { }));
        Assert.Equal([0L], taken.Select(p => p.Record.Offset.Value));
        Assert.All(taken, p => Assert.Equal(2, p.Generation));
    }

    private static ConsumeResult<byte[], byte[]> Record(long offset) => new()
    {
        Topic = Partition.Topic,
        Partition = Partition.Partition,
        Offset = offset,
        Message = new Message<byte[], byte[]> { Key = [], Value = [(byte)offset] },
    };

    /// <summary>A consumer whose <c>Consume</c> calls run the scripted steps in order, then return nothing.</summary>
    public class ScriptedConsumer : DispatchProxy
    {
        private int _next;

        public IReadOnlyList<Func<ConsumeResult<byte[], byte[]>?>> Steps { get; set; } = [];

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            targetMethod?.Name == nameof(IConsumer<byte[], byte[]>.Consume) && args is [TimeSpan]
                ? _next < Steps.Count ? Steps[_next++]() : null
                : throw new NotSupportedException($"The scripted consumer does not implement {targetMethod?.Name}.");
    }

    private sealed class Generations : IHubListener
    {
        public List<int> Assigned { get; } = [];

        public void OnAssigned(IReadOnlyList<(TopicPartition Partition, int Generation)> partitions) => Assigned.AddRange(partitions.Select(p => p.Generation));

        public void OnRevoked(IReadOnlyList<TopicPartition> partitions)
        {
        }

        public void OnStopped()
        {
        }

        public void OnFailed(Exception error)
        {
        }
    }
}
