using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;

namespace ActorFlow.Topology.Tests.DataPath;

/// <summary>
/// Unit spec of how <see cref="KeyGroupReplies"/> matches answers to the batches waiting for them: per key group a
/// small ring of cells by sequence number, and the stripe's table for batches whose cell is still taken.
/// </summary>
public sealed class KeyGroupWaitingSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Job = "clicks";
    private static readonly TimeSpan Done = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Verify that 40 batches of one key group in flight at once (more than its ring holds) and a dispatch of two key
    /// groups each complete with their own reply when the answers come in reverse order, and that a second answer to a
    /// batch already answered changes nothing, also when a later batch waits in the cell it had.
    /// </summary>
    [Fact]
    public async Task Every_waiting_batch_must_get_its_own_reply_whatever_the_number_in_flight_and_the_order_of_answers()
    {
        var region = CreateTestProbe();
        var replies = new KeyGroupReplies(region.Ref, Job, new JobRunnerOptions());
        try
        {
            // Key group 3's first batch, answered from no entity: its path stays the region's, nothing is held after it.
            var first = replies.SendAsync([Batch(3, 1)]);
            await region.ExpectMsgAsync<KeyGroupBatch>();
            var replyTo = region.LastSender;
            replyTo.Tell(new KeyGroupReply(Job, 3, 1, []), ActorRefs.NoSender);
            await first.WaitAsync(Done);

            var dispatches = Enumerable.Range(2, 40).Select(s => replies.SendAsync([Batch(3, s)])).ToList();
            for (var i = 0; i < 40; i++)
            {
                Assert.Equal(i + 2, (await region.ExpectMsgAsync<KeyGroupBatch>()).Sequence);
            }

            var pair = replies.SendAsync([Batch(1, 1), Batch(2, 1)]);
            replyTo.Tell(new KeyGroupReply(Job, 2, 1, [Marker(2, 1)]), ActorRefs.NoSender);
            for (var s = 41; s >= 2; s--)
            {
                replyTo.Tell(new KeyGroupReply(Job, 3, s, [Marker(3, s)]), ActorRefs.NoSender);
            }

            replyTo.Tell(new KeyGroupReply(Job, 3, 17, [Marker(99, 99)]), ActorRefs.NoSender); // a second answer: dropped
            replyTo.Tell(new KeyGroupReply(Job, 1, 1, [Marker(1, 1)]), ActorRefs.NoSender);

            for (var s = 2; s <= 41; s++)
            {
                var reply = Assert.Single(await dispatches[s - 2].WaitAsync(Done));
                Assert.Equal((3, s), (reply.KeyGroup, reply.Sequence));
                Assert.Equal(Marker(3, s), Assert.Single(reply.Emitted));
            }

            var both = await pair.WaitAsync(Done);
            Assert.Equal([Marker(1, 1), Marker(2, 1)], both.Select(r => Assert.Single(r.Emitted)));

            // Batch 42 takes the cell batch 10 had: a late second answer to 10 must not complete it (answers are told
            // to the reply address synchronously, so the state is settled when Tell returns).
            var reused = replies.SendAsync([Batch(3, 42)]);
            await region.ExpectMsgAsync<KeyGroupBatch>();
            replyTo.Tell(new KeyGroupReply(Job, 3, 10, [Marker(99, 10)]), ActorRefs.NoSender);
            Assert.False(reused.IsCompleted);
            replyTo.Tell(new KeyGroupReply(Job, 3, 42, [Marker(3, 42)]), ActorRefs.NoSender);
            Assert.Equal(Marker(3, 42), Assert.Single(Assert.Single(await reused.WaitAsync(Done)).Emitted));
        }
        finally
        {
            replies.Close();
        }
    }

    private static KeyGroupBatch Batch(int keyGroup, long sequence) => new(Job, keyGroup, "clicks/run-1", sequence, [], 0, -1);

    private static Emitted Marker(int keyGroup, long sequence) => new(EmittedKind.Sink, null, $"{keyGroup}/{sequence}", sequence);
}
