using System.Reflection;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Consumer.Internal;
using ActorFlow.Kafka.Settings;
using Confluent.Kafka;

namespace ActorFlow.Kafka.Tests.Consumer;

/// <summary>
/// A checkpoint commits its source offsets while the job may be failing: a commit that reaches the consumer while it
/// closes (after the poll thread ran its last commits, before the consumer is closed) must fail, not stay pending. It
/// once stayed pending for ever, and the failover that waited for the checkpoint's completion with it (seen as a
/// RestartDelaySpec run that never restarted).
/// </summary>
public sealed class CommitDuringCloseSpec
{
    private static readonly TopicPartition Partition = new("orders", 0);

    /// <summary>Verify that a commit asked for while the consumer closes fails with a clear message once it is closed.</summary>
    [Fact]
    public async Task A_commit_asked_for_while_the_consumer_closes_must_fail_not_hang()
    {
        var settings = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers("127.0.0.1:1");
        using var hub = new ConsumerHub<byte[], byte[]>(settings, Subscriptions.Topics(Partition.Topic), new NoHubListener());
        hub.OnAssigned([Partition]);
        var consumer = DispatchProxy.Create<IConsumer<byte[], byte[]>, ClosingConsumer>();
        Task? commit = null;
        ((ClosingConsumer)(object)consumer).OnClose = () => commit = hub.CommitAsync([new PendingCommit(Partition, 5, 1)]);

        hub.Close(consumer);

        Assert.NotNull(commit);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => commit.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("consumer is closed", error.Message, StringComparison.Ordinal);
        Assert.True(hub.IsShutdown.IsCompletedSuccessfully);
    }

    /// <summary>Verify that a commit asked for after the consumer closed fails at once.</summary>
    [Fact]
    public async Task A_commit_asked_for_after_the_consumer_closed_must_fail()
    {
        var settings = ConsumerSettings<byte[], byte[]>.Create(KafkaDefaults.Config, null, null).WithBootstrapServers("127.0.0.1:1");
        using var hub = new ConsumerHub<byte[], byte[]>(settings, Subscriptions.Topics(Partition.Topic), new NoHubListener());
        hub.OnAssigned([Partition]);
        hub.Close(DispatchProxy.Create<IConsumer<byte[], byte[]>, ClosingConsumer>());

        var commit = hub.CommitAsync([new PendingCommit(Partition, 5, 1)]);

        await Assert.ThrowsAsync<InvalidOperationException>(() => commit.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    /// <summary>A consumer whose <c>Close</c> runs <see cref="OnClose"/> (a commit arriving meanwhile); it holds nothing else.</summary>
    public class ClosingConsumer : DispatchProxy
    {
        public Action OnClose { get; set; } = () => { };

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            switch (targetMethod?.Name)
            {
                case nameof(IConsumer<byte[], byte[]>.Close):
                    OnClose();
                    return null;
                case nameof(IDisposable.Dispose):
                    return null;
                default:
                    throw new NotSupportedException($"The closing consumer does not implement {targetMethod?.Name}.");
            }
        }
    }
}
