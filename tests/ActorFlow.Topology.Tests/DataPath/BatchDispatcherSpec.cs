using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;
using Akka.Actor;
using Akka.TestKit;

namespace ActorFlow.Topology.Tests.DataPath;

/// <summary>
/// Unit specs of <see cref="BatchDispatcher"/> with a <see cref="TestProbe"/> as the shard region. A dispatch completes
/// only when every ask it sent is answered, so a dispatch that completes after the expected replies sent no other ask.
/// </summary>
public sealed class BatchDispatcherSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Job = "clicks";
    private const string SourceId = "clicks/run-1";
    private static readonly TimeSpan Done = TimeSpan.FromSeconds(5);

    /// <summary>Verify that a batch sends one KeyGroupBatch per key group present, naming the job and the source.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_send_one_batch_per_key_group_present()
    {
        var region = CreateTestProbe();
        var dispatcher = Dispatcher(region.Ref);

        var dispatch = dispatcher.DispatchAsync([Data("t/0", 10, 0, R(7, "a"), R(3, "b")), Data("t/1", 20, 0, R(7, "c"), R(5, "d"), R(3, "e"))]);
        var batches = await ReplyEmptyAsync(region, 3);

        await dispatch.WaitAsync(Done);
        Assert.Equal([3, 5, 7], batches.Keys.Order());
        Assert.All(batches.Values, b => Assert.Equal((Job, SourceId), (b.JobName, b.SourceId)));
        Assert.Equal([3, 5, 7], dispatcher.KeyGroups.Order());
    }

    /// <summary>Verify that each key group gets its records of the batch in batch order (across chunks).</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_group_the_records_by_key_group_in_batch_order()
    {
        var region = CreateTestProbe();
        var dispatcher = Dispatcher(region.Ref);

        var dispatch = dispatcher.DispatchAsync([Data("t/0", 10, 0, R(7, "a"), R(3, "b")), Data("t/1", 20, 0, R(7, "c"), R(3, "d"), R(7, "e"))]);
        var batches = await ReplyEmptyAsync(region, 2);

        await dispatch.WaitAsync(Done);
        Assert.Equal(["b", "d"], batches[3].Records.Select(r => (string)r.Value!));
        Assert.Equal(["a", "c", "e"], batches[7].Records.Select(r => (string)r.Value!));
        // c is the first of three records of t/1 up to next offset 20: offset 17, read under the first chunk's watermark.
        Assert.Equal(R(7, "c") with { Watermark = 0, Origin = "t/1", Offset = 17 }, batches[7].Records[1]);
    }

    /// <summary>
    /// Verify that each record carries the watermark in force when it was read: the one before its chunk (the
    /// previous batch's for the first chunk), never its own chunk's, which already counts it (issue 14).
    /// </summary>
    [Fact]
    public async Task A_BatchDispatcher_must_stamp_each_record_with_the_watermark_before_its_chunk()
    {
        var region = CreateTestProbe();
        var dispatcher = Dispatcher(region.Ref);

        var first = dispatcher.DispatchAsync([Data("t/0", 1, 100, R(1, "a"))]);
        await ReplyEmptyAsync(region, 1);
        await first.WaitAsync(Done);
        var second = dispatcher.DispatchAsync([Data("t/0", 2, 250, R(1, "b"), R(2, "c")), Data("t/1", 1, 180, R(1, "d")), Data("t/0", 3, 400, R(2, "e"))]);
        var batches = await ReplyEmptyAsync(region, 2);
        await second.WaitAsync(Done);

        Assert.Equal([100L, 250], batches[1].Records.Select(r => r.Watermark));
        Assert.Equal([100L, 250], batches[2].Records.Select(r => r.Watermark));
        Assert.Equal(400, batches[1].Watermark);
    }

    /// <summary>Verify that the sequence numbers run 1, 2, 3 per key group across batches, skipping batches without the key group.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_number_the_batches_of_each_key_group_from_one()
    {
        var region = CreateTestProbe();
        var dispatcher = Dispatcher(region.Ref);
        var sequences = new Dictionary<int, List<long>> { [1] = [], [2] = [] };

        foreach (var groups in new int[][] { [1, 2], [1], [1, 2] })
        {
            var dispatch = dispatcher.DispatchAsync([Data("t/0", 10, 0, groups.Select(g => R(g, "x")).ToArray())]);
            foreach (var batch in (await ReplyEmptyAsync(region, groups.Length)).Values)
            {
                sequences[batch.KeyGroup].Add(batch.Sequence);
            }

            await dispatch.WaitAsync(Done);
        }

        Assert.Equal([1L, 2L, 3L], sequences[1]);
        Assert.Equal([1L, 2L], sequences[2]);
    }

    /// <summary>Verify that a tick sends an empty, watermark-only batch to every key group that has had data, with its next sequence number.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_send_a_watermark_only_batch_to_every_known_key_group_on_a_tick()
    {
        var region = CreateTestProbe();
        var dispatcher = Dispatcher(region.Ref);
        var first = dispatcher.DispatchAsync([Data("t/0", 10, 1_000, R(9, "a"), R(4, "b"))]);
        await ReplyEmptyAsync(region, 2);
        await first.WaitAsync(Done);

        var tick = dispatcher.DispatchAsync([Chunk<Keyed>.Tick(5_000)]);
        var batches = await ReplyEmptyAsync(region, 2);

        Assert.Empty(await tick.WaitAsync(Done));
        Assert.Equal((2L, 0, 5_000L), (batches[4].Sequence, batches[4].Records.Count, batches[4].Watermark));
        Assert.Equal((2L, 0, 5_000L), (batches[9].Sequence, batches[9].Records.Count, batches[9].Watermark));
    }

    /// <summary>Verify that a tick before any key group has had data sends nothing and completes at once.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_send_nothing_on_a_tick_before_any_key_group_has_data()
    {
        var dispatcher = Dispatcher(CreateTestProbe().Ref);

        var emitted = await dispatcher.DispatchAsync([Chunk<Keyed>.Tick(5_000)]).WaitAsync(Done);

        Assert.Empty(emitted);
        Assert.Empty(dispatcher.KeyGroups);
        Assert.Equal(5_000, dispatcher.Watermark);
    }

    /// <summary>Verify that the batch watermark is the highest watermark of its chunks.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_send_the_highest_chunk_watermark()
    {
        var region = CreateTestProbe();
        var dispatcher = Dispatcher(region.Ref);

        var dispatch = dispatcher.DispatchAsync([Data("t/0", 10, 3_000, R(1, "a")), Data("t/1", 10, 7_000), Data("t/2", 10, 5_000)]);
        var batch = (await ReplyEmptyAsync(region, 1))[1];

        await dispatch.WaitAsync(Done);
        Assert.Equal(7_000, batch.Watermark);
        Assert.Equal(7_000, dispatcher.Watermark);
    }

    /// <summary>Verify that a later batch whose chunks carry a lower watermark keeps the higher one sent before.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_never_move_the_batch_watermark_backwards()
    {
        var region = CreateTestProbe();
        var dispatcher = Dispatcher(region.Ref);
        var first = dispatcher.DispatchAsync([Data("t/0", 10, 7_000, R(1, "a"))]);
        await ReplyEmptyAsync(region, 1);
        await first.WaitAsync(Done);

        var second = dispatcher.DispatchAsync([Data("t/1", 10, 2_000, R(1, "b"))]);
        var batch = (await ReplyEmptyAsync(region, 1))[1];

        await second.WaitAsync(Done);
        Assert.Equal(7_000, batch.Watermark);
        Assert.Equal(7_000, dispatcher.Watermark);
    }

    /// <summary>Verify that the next offsets are kept per origin (the latest chunk's), ignoring ticks and partition announcements.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_track_the_next_offset_per_origin()
    {
        var dispatcher = Dispatcher(null);

        await dispatcher.DispatchAsync([Data("t/0", 11, 0), Data("t/1", 21, 0), Chunk<Keyed>.Tick(0)]).WaitAsync(Done);
        await dispatcher.DispatchAsync([Data("t/0", 15, 0), Data("t/2", -1, 0)]).WaitAsync(Done);

        Assert.Equal(
            new Dictionary<string, long> { ["t/0"] = 15, ["t/1"] = 21 },
            dispatcher.NextOffsets.ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>
    /// Verify that a partition announced without a position (its start unresolved, nothing delivered yet) keeps a
    /// checkpoint from claiming to name every assigned partition until it has one.
    /// </summary>
    [Fact]
    public async Task A_BatchDispatcher_must_tell_whether_every_announced_partition_has_a_position()
    {
        var dispatcher = Dispatcher(null);
        Assert.True(dispatcher.NamesAssignedPartitions);

        await dispatcher.DispatchAsync([Data("t/0", 11, 0), Data("t/1", -1, 0), Chunk<Keyed>.Tick(0)]).WaitAsync(Done);
        Assert.False(dispatcher.NamesAssignedPartitions);

        await dispatcher.DispatchAsync([Data("t/0", -1, 0), Data("t/1", 4, 0)]).WaitAsync(Done);
        Assert.True(dispatcher.NamesAssignedPartitions);
    }

    /// <summary>Verify that the dead letters of the chunks are emitted as Dead, stamped with their chunk's watermark.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_emit_the_dead_letters_of_the_chunks()
    {
        var dispatcher = Dispatcher(CreateTestProbe().Ref);
        var first = new DeadLetterRecord("decoding failed: FormatException: x", "t/0", 4, [1], [2]);
        var second = new DeadLetterRecord("KeyBy failed", "t/1", 8, null, null, "KeyBy");

        var emitted = await dispatcher.DispatchAsync([
            new Chunk<Keyed>("t/0", 5, 1_000, [], 0, [first]),
            new Chunk<Keyed>("t/1", 9, 2_000, [], 0, [second]),
        ]).WaitAsync(Done);

        Assert.Equal([new Emitted(EmittedKind.Dead, null, first, 1_000), new Emitted(EmittedKind.Dead, null, second, 2_000)], emitted);
    }

    /// <summary>Verify that the records the key groups emitted come out in key-group order, whatever order the replies arrive in.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_collect_the_replies_in_key_group_order()
    {
        var region = CreateTestProbe();
        var dispatcher = Dispatcher(region.Ref);

        var dispatch = dispatcher.DispatchAsync([Data("t/0", 10, 0, R(8, "a"), R(2, "b"))]);
        var senders = new Dictionary<int, IActorRef>();
        for (var i = 0; i < 2; i++)
        {
            var batch = await region.ExpectMsgAsync<KeyGroupBatch>();
            senders[batch.KeyGroup] = region.LastSender;
        }

        senders[8].Tell(new KeyGroupReply(Job, 8, 1, [MainRecord("from-8a", 1), MainRecord("from-8b", 2)]));
        senders[2].Tell(new KeyGroupReply(Job, 2, 1, [MainRecord("from-2", 3)]));

        var emitted = await dispatch.WaitAsync(Done);
        Assert.Equal([MainRecord("from-2", 3), MainRecord("from-8a", 1), MainRecord("from-8b", 2)], emitted);
    }

    /// <summary>Verify that a KeyGroupStateLost answer fails the dispatch with a KeyGroupStateLostException naming the key group.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_fail_when_a_key_group_lost_its_state()
    {
        var region = CreateTestProbe();
        var dispatcher = Dispatcher(region.Ref);

        var dispatch = dispatcher.DispatchAsync([Data("t/0", 10, 0, R(6, "a"))]);
        var batch = await region.ExpectMsgAsync<KeyGroupBatch>();
        region.Reply(new KeyGroupStateLost(Job, 6, batch.Sequence, "it restarted"));

        var error = await Assert.ThrowsAsync<KeyGroupStateLostException>(() => dispatch.WaitAsync(Done));
        Assert.Equal(6, error.KeyGroup);
        Assert.Equal("Key group 6 of job 'clicks' lost its state since the run started: it restarted", error.Message);
    }

    /// <summary>Verify that without a region (stateless job) the records go to their sink at once, in order, with their timestamps.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_emit_the_records_for_their_sink_without_a_region()
    {
        var dispatcher = Dispatcher(null);

        var emitted = await dispatcher.DispatchAsync([
            Data("t/0", 10, 0, R(-1, "a", 100), R(-1, "b", 200) with { Target = 1 }),
            Data("t/1", 10, 0, R(-1, "c", 150)),
        ]).WaitAsync(Done);

        Assert.Equal([SinkRecord("a", 100, 0), SinkRecord("b", 200, 1), SinkRecord("c", 150, 0)], emitted);
    }

    /// <summary>
    /// Verify that a batch whose ask timed out is sent again with the same sequence number, and the retry's reply is
    /// used. Many attempts: the reply to the retry may come late (a stalled test thread), as long as some attempt is
    /// still waiting for it (100 attempts of 300 ms: 30 s).
    /// </summary>
    [Fact]
    public async Task A_BatchDispatcher_must_retry_a_timed_out_ask_with_the_same_sequence_number()
    {
        var region = CreateTestProbe();
        var dispatcher = Dispatcher(region.Ref, new JobRunnerOptions { AskTimeout = TimeSpan.FromMilliseconds(300), AskAttempts = 100 });

        var dispatch = dispatcher.DispatchAsync([Data("t/0", 10, 0, R(3, "a"))]);
        var first = await region.ExpectMsgAsync<KeyGroupBatch>(TimeSpan.FromSeconds(30));
        var retry = await region.ExpectMsgAsync<KeyGroupBatch>(TimeSpan.FromSeconds(30));
        Assert.Equal((3, 1L), (first.KeyGroup, first.Sequence));
        Assert.Equal(first, retry);
        region.Reply(new KeyGroupReply(Job, 3, retry.Sequence, [MainRecord("out", 1)]));

        Assert.Equal([MainRecord("out", 1)], await dispatch.WaitAsync(Done));
    }

    /// <summary>Verify that the dispatch fails with the ask timeout once every attempt timed out.</summary>
    [Fact]
    public async Task A_BatchDispatcher_must_fail_once_every_attempt_timed_out()
    {
        var region = CreateTestProbe();
        var dispatcher = Dispatcher(region.Ref, new JobRunnerOptions { AskTimeout = TimeSpan.FromMilliseconds(300), AskAttempts = 2 });

        var dispatch = dispatcher.DispatchAsync([Data("t/0", 10, 0, R(3, "a"))]);
        await region.ExpectMsgAsync<KeyGroupBatch>();
        await region.ExpectMsgAsync<KeyGroupBatch>(TimeSpan.FromSeconds(5));

        await Assert.ThrowsAsync<AskTimeoutException>(() => dispatch.WaitAsync(Done));
    }

    private static BatchDispatcher Dispatcher(IActorRef? region, JobRunnerOptions? options = null) =>
        new(region, Job, SourceId, options ?? new JobRunnerOptions(), null);

    private static Routed R(int keyGroup, string value, long timestamp = 0) => new(keyGroup, "key-" + value, value, timestamp);

    private static Emitted MainRecord(string value, long timestamp) => new(EmittedKind.Main, null, value, timestamp);

    private static Emitted SinkRecord(string value, long timestamp, int sink) => new(EmittedKind.Sink, null, value, timestamp, sink);

    /// <summary>A chunk of <paramref name="records"/> from <paramref name="origin"/> ending before <paramref name="nextOffset"/>.</summary>
    private static Chunk<Keyed> Data(string origin, long nextOffset, long watermark, params Routed[] records) =>
        new(origin, nextOffset, watermark, records.Select((r, i) => new Element<Keyed>(new Keyed(r.KeyGroup, r.Key, r.Value, r.Target), r.Timestamp, nextOffset - records.Length + i)).ToArray(), records.Length, null);

    /// <summary>Takes the next <paramref name="count"/> batches the region got (one per key group) and answers each with nothing emitted.</summary>
    private static async Task<Dictionary<int, KeyGroupBatch>> ReplyEmptyAsync(TestProbe region, int count)
    {
        var batches = new Dictionary<int, KeyGroupBatch>();
        for (var i = 0; i < count; i++)
        {
            var batch = await region.ExpectMsgAsync<KeyGroupBatch>();
            region.Reply(new KeyGroupReply(batch.JobName, batch.KeyGroup, batch.Sequence, []));
            batches.Add(batch.KeyGroup, batch);
        }

        return batches;
    }
}
