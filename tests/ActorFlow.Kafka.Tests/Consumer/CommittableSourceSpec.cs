using System.Collections.Concurrent;
using ActorFlow.Kafka.Consumer;
using ActorFlow.Kafka.Dsl;
using ActorFlow.Kafka.Settings;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorFlow.Kafka.Tests.Consumer;

public sealed class CommittableSourceSpec(ITestOutputHelper output) : KafkaSpecBase(output)
{
    private CommitterSettings Committing => CommitterSettings.Create(Sys).WithMaxInterval(TimeSpan.FromMilliseconds(100));

    /// <summary>
    /// Verify that a committable source without a group.id fails when it is built, naming the setting, also on a manual
    /// assignment (its commits went to a group made up for the consumer and "succeeded"; Java throws InvalidGroupIdException).
    /// </summary>
    [Fact]
    public void A_CommittableSource_must_need_a_group_id()
    {
        var noGroup = ConsumerSettings<string, string>.Create(Sys, null, null).WithBootstrapServers(Kafka.BootstrapServers);
        var assignment = Subscriptions.Assignment(new Confluent.Kafka.TopicPartition(Topic, 0));

        Assert.Contains("group.id", Assert.Throws<InvalidOperationException>(() => KafkaConsumer.CommittableSource(noGroup, assignment)).Message, StringComparison.Ordinal);
        Assert.Contains("group.id", Assert.Throws<InvalidOperationException>(() => KafkaConsumer.CommittablePartitionedSource(noGroup, assignment)).Message, StringComparison.Ordinal);
        _ = KafkaConsumer.PlainSource(noGroup, assignment); // reading an assignment needs none
    }

    /// <summary>Verify that a drained, shut-down consumer resumes from its committed offsets: every record once, none lost.</summary>
    [Fact]
    public async Task A_CommittableSource_must_resume_from_committed_offsets_after_restart()
    {
        Produce(300);
        var seen = new ConcurrentQueue<int>();

        var (control, done) = KafkaConsumer.CommittableSource(ConsumerSettings("resume"), Subscriptions.Topics(Topic))
            .Select(m => { seen.Enqueue(int.Parse(m.Record.Message.Value, System.Globalization.CultureInfo.InvariantCulture)); return (ICommittable)m.CommittableOffset; })
            .ToMaterialized(Committer.Sink(Committing), Keep.Both)
            .Run(Materializer);
        await AwaitAssertAsync(() => Assert.Equal(300, seen.Count), TimeSpan.FromSeconds(30));
        await control.DrainAndShutdownAsync(done);
        Assert.Equal(3, Committed("resume", 3).Count);
        Assert.Equal(300, Committed("resume", 3).Values.Sum());

        Produce(200, start: 300);
        var (control2, done2) = KafkaConsumer.CommittableSource(ConsumerSettings("resume"), Subscriptions.Topics(Topic))
            .Select(m => { seen.Enqueue(int.Parse(m.Record.Message.Value, System.Globalization.CultureInfo.InvariantCulture)); return (ICommittable)m.CommittableOffset; })
            .ToMaterialized(Committer.Sink(Committing), Keep.Both)
            .Run(Materializer);
        await AwaitAssertAsync(() => Assert.Equal(500, seen.Count), TimeSpan.FromSeconds(30));
        await control2.DrainAndShutdownAsync(done2);

        Assert.Equal(Enumerable.Range(0, 500), seen.Order());
        Assert.Equal(500, Committed("resume", 3).Values.Sum());
    }

    /// <summary>Verify that drain-and-shutdown commits the offsets of everything processed before the stop.</summary>
    [Fact]
    public async Task A_draining_shutdown_must_commit_what_was_processed()
    {
        Produce(100);
        var processed = 0;
        // A long interval: only the drain's final flush can commit.
        var settings = CommitterSettings.Create(Sys).WithMaxInterval(TimeSpan.FromMinutes(5));
        var (control, done) = KafkaConsumer.CommittableSource(ConsumerSettings("drain"), Subscriptions.Topics(Topic))
            .Select(m => { Interlocked.Increment(ref processed); return (ICommittable)m.CommittableOffset; })
            .ToMaterialized(Committer.Sink(settings), Keep.Both)
            .Run(Materializer);
        await AwaitAssertAsync(() => Assert.Equal(100, Volatile.Read(ref processed)), TimeSpan.FromSeconds(30));
        Assert.Empty(Committed("drain", 3));

        await control.DrainAndShutdownAsync(done);

        Assert.Equal(100, Committed("drain", 3).Values.Sum());
        Assert.True(control.IsShutdown.IsCompleted);
    }

    /// <summary>
    /// Verify that drain-and-shutdown waits for a stream slower than the stop timeout (the stream is still processing
    /// a record the stage handed it before the stop) and then commits everything it processed; it used to give up
    /// after stop-timeout and close the consumer under the running stream, whose last commits failed. The stream holds
    /// its records until the stop has waited well past stop-timeout: how many the stage took before the stop does not
    /// matter, as the stage completes only when the stream asks for more.
    /// </summary>
    [Fact]
    public async Task A_draining_shutdown_must_wait_for_a_stream_slower_than_the_stop_timeout()
    {
        Produce(150);
        var stopTimeout = TimeSpan.FromMilliseconds(200);
        var processed = 0;
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (control, done) = KafkaConsumer.CommittableSource(ConsumerSettings("slow-drain").WithStopTimeout(stopTimeout), Subscriptions.Topics(Topic))
            .SelectAsync(1, async m =>
            {
                reached.TrySetResult();
                await release.Task;
                Interlocked.Increment(ref processed);
                return (ICommittable)m.CommittableOffset;
            })
            .ToMaterialized(Committer.Sink(CommitterSettings.Create(Sys).WithMaxInterval(TimeSpan.FromMinutes(5))), Keep.Both)
            .Run(Materializer);
        await reached.Task.WaitAsync(TimeSpan.FromSeconds(30));

        var drain = control.DrainAndShutdownAsync(done);
        // Gives an implementation that gives up after stop-timeout the time to: it closed the consumer and ended the
        // drain (with the stop's TimeoutException) while the stream still held its record. (One slower to give up
        // fails the await below with that exception, or its commits fail.)
        await Task.Delay(stopTimeout * 3);
        Assert.False(drain.IsCompleted, $"the drain ended while the stream still held a record: {drain.Status}, {drain.Exception?.GetBaseException().Message}");
        Assert.Equal(0, Volatile.Read(ref processed));

        release.SetResult();
        await drain.WaitAsync(TimeSpan.FromSeconds(30));

        // Every record was processed after the stop had waited past stop-timeout, and its offset committed.
        Assert.True(Volatile.Read(ref processed) > 0);
        Assert.Equal(Volatile.Read(ref processed), Committed("slow-drain", 3).Values.Sum());
        Assert.True(control.IsShutdown.IsCompleted);
    }

    /// <summary>Verify that a batch holds the highest offset per partition.</summary>
    [Fact]
    public async Task A_CommittableOffsetBatch_must_keep_the_highest_offset_per_partition()
    {
        var target = new RecordingTarget();
        var batch = CommittableOffsetBatch.From(
        [
            Offset(target, 0, 5), Offset(target, 0, 3), Offset(target, 1, 7), Offset(target, 0, 9),
        ]);
        Assert.Equal(4, batch.BatchSize);
        await batch.CommitAsync();
        Assert.Equal([(0, 10L), (1, 8L)], target.Commits.Select(c => (c.Partition.Partition.Value, c.NextOffset)).Order());
    }

    private CommittableOffset Offset(RecordingTarget target, int partition, long offset) =>
        new(target, new Confluent.Kafka.TopicPartitionOffset(Topic, partition, offset), 1);

    private sealed class RecordingTarget : ActorFlow.Kafka.Consumer.Internal.ICommitTarget
    {
        public List<ActorFlow.Kafka.Consumer.Internal.PendingCommit> Commits { get; } = [];

        public Task CommitAsync(IReadOnlyList<ActorFlow.Kafka.Consumer.Internal.PendingCommit> offsets)
        {
            Commits.AddRange(offsets);
            return Task.CompletedTask;
        }
    }
}
