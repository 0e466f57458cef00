using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;
using Akka.TestKit;

namespace ActorFlow.Topology.Tests.DataPath;

/// <summary>
/// Unit specs of the routing of <see cref="KeyGroupReplies"/>: a key group's first message goes through the shard
/// region (a <see cref="TestProbe"/>), and once its entity (another probe) answered, the rest of the run goes to the
/// entity itself, in order, barriers included.
/// </summary>
public sealed class KeyGroupRoutingSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Job = "clicks";
    private static readonly TimeSpan Done = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);

    /// <summary>Verify that once the entity answered the first batch, the later batches go to the entity and not to the region.</summary>
    [Fact]
    public async Task A_key_group_must_get_its_later_batches_from_its_entity_once_it_answered()
    {
        var (region, entity, replies) = Route();

        var first = replies.SendAsync([Batch(3, 1)]);
        await AnswerAsync(region, entity, 3, 1);
        await first.WaitAsync(Done);

        var second = replies.SendAsync([Batch(3, 2)]);
        await AnswerAsync(entity, entity, 3, 2);
        await second.WaitAsync(Done);
        await region.ExpectNoMsgAsync(Quiet);
        replies.Close();
    }

    /// <summary>
    /// Verify that batches and a barrier sent before the first answer wait, and reach the entity after it in the order
    /// they were sent; the barrier's acknowledgement completes its task.
    /// </summary>
    [Fact]
    public async Task Messages_sent_before_the_first_answer_must_follow_it_in_order()
    {
        var (region, entity, replies) = Route();

        var first = replies.SendAsync([Batch(3, 1)]);
        var second = replies.SendAsync([Batch(3, 2)]);
        var barrier = replies.TriggerAsync(new TriggerCheckpoint(Job, 3, 7));
        var third = replies.SendAsync([Batch(3, 3)]);
        Assert.Equal(1, (await region.ExpectMsgAsync<KeyGroupBatch>()).Sequence);
        var replyTo = region.LastSender;
        await region.ExpectNoMsgAsync(Quiet);
        await entity.ExpectNoMsgAsync(TimeSpan.Zero);

        replyTo.Tell(new KeyGroupReply(Job, 3, 1, []), entity.Ref);

        Assert.Equal(2, (await entity.ExpectMsgAsync<KeyGroupBatch>()).Sequence);
        Assert.Equal(7, (await entity.ExpectMsgAsync<TriggerCheckpoint>()).CheckpointId);
        entity.Reply(new KeyGroupCheckpointed(Job, 3, 7, 70, 10, null));
        Assert.Equal(3, (await entity.ExpectMsgAsync<KeyGroupBatch>()).Sequence);
        Assert.Equal(70, (await barrier.WaitAsync(Done)).SnapshotSequenceNr);
        await first.WaitAsync(Done);
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);
        replies.Close();
    }

    /// <summary>
    /// Verify that when the entity stops during the run, the batches waiting for it fail at once with a
    /// KeyGroupStateLostException naming its key group, and its next batch goes through the region again.
    /// </summary>
    [Fact]
    public async Task A_key_group_whose_entity_stopped_must_fail_the_batches_waiting_for_it()
    {
        var (region, entity, replies) = Route();
        var first = replies.SendAsync([Batch(5, 1)]);
        await AnswerAsync(region, entity, 5, 1);
        await first.WaitAsync(Done);

        var waiting = replies.SendAsync([Batch(5, 2)]);
        await entity.ExpectMsgAsync<KeyGroupBatch>();
        Sys.Stop(entity.Ref);

        var error = await Assert.ThrowsAsync<KeyGroupStateLostException>(() => waiting.WaitAsync(Done));
        Assert.Equal(5, error.KeyGroup);
        Assert.Contains("its entity stopped", error.Message, StringComparison.Ordinal);
        _ = replies.SendAsync([Batch(5, 3)]);
        Assert.Equal(3, (await region.ExpectMsgAsync<KeyGroupBatch>()).Sequence);
        replies.Close();
    }

    /// <summary>Verify that an answer naming no entity on this node keeps the key group on the region's path, nothing held.</summary>
    [Fact]
    public async Task A_key_group_answered_without_an_entity_must_stay_on_the_regions_path()
    {
        var (region, _, replies) = Route();

        var first = replies.SendAsync([Batch(2, 1)]);
        await region.ExpectMsgAsync<KeyGroupBatch>();
        region.LastSender.Tell(new KeyGroupReply(Job, 2, 1, []), ActorRefs.NoSender);
        await first.WaitAsync(Done);

        _ = replies.SendAsync([Batch(2, 2)]);
        _ = replies.SendAsync([Batch(2, 3)]);
        Assert.Equal(2, (await region.ExpectMsgAsync<KeyGroupBatch>()).Sequence);
        Assert.Equal(3, (await region.ExpectMsgAsync<KeyGroupBatch>()).Sequence);
        replies.Close();
    }

    /// <summary>Verify that a barrier still held when the run ends fails instead of waiting for ever.</summary>
    [Fact]
    public async Task A_barrier_held_when_the_run_ends_must_fail()
    {
        var (region, _, replies) = Route();
        _ = replies.SendAsync([Batch(4, 1)]);
        await region.ExpectMsgAsync<KeyGroupBatch>();
        var barrier = replies.TriggerAsync(new TriggerCheckpoint(Job, 4, 9));

        replies.Close();

        await Assert.ThrowsAsync<AskTimeoutException>(() => barrier.WaitAsync(Done));
    }

    private (TestProbe Region, TestProbe Entity, KeyGroupReplies Replies) Route()
    {
        var region = CreateTestProbe();
        var entity = CreateTestProbe();
        return (region, entity, new KeyGroupReplies(region.Ref, Job, new JobRunnerOptions()));
    }

    private static KeyGroupBatch Batch(int keyGroup, long sequence) => new(Job, keyGroup, "clicks/run-1", sequence, [], 0, -1);

    /// <summary>Expects batch <paramref name="sequence"/> of <paramref name="keyGroup"/> at <paramref name="at"/> and answers it from <paramref name="entity"/>.</summary>
    private static async Task AnswerAsync(TestProbe at, TestProbe entity, int keyGroup, long sequence)
    {
        var batch = await at.ExpectMsgAsync<KeyGroupBatch>();
        Assert.Equal((keyGroup, sequence), (batch.KeyGroup, batch.Sequence));
        at.LastSender.Tell(new KeyGroupReply(Job, keyGroup, sequence, []), entity.Ref);
    }
}
