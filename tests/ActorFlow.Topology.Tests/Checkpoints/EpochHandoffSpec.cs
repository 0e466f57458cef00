using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Tests.Checkpoints;

/// <summary>
/// The hand-over of an epoch's exactly-once output from the sink side to the checkpoint coordinator, and what happens
/// to it when the checkpoint fails (it must join the next epoch, whether it had arrived yet or not).
/// </summary>
public sealed class EpochHandoffSpec
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Verify that the coordinator gets exactly the records the sink provided for that checkpoint.</summary>
    [Fact]
    public async Task An_epoch_must_hand_its_records_to_its_checkpoint()
    {
        var handoff = new EpochHandoff();
        handoff.Provide(1, [[1], [2]]);
        Assert.Equal([[1], [2]], await handoff.TakeAsync(1, Timeout));
        handoff.Provide(2, [[3]]);
        Assert.Equal([[3]], await handoff.TakeAsync(2, Timeout));
    }

    /// <summary>Verify that a checkpoint failing after its records arrived carries them into the next epoch, first.</summary>
    [Fact]
    public async Task A_failed_checkpoint_must_carry_records_that_arrived_into_the_next_epoch()
    {
        var handoff = new EpochHandoff();
        handoff.Provide(1, [[1]]);
        handoff.Return(1, null);
        handoff.Provide(2, [[2]]);
        Assert.Equal([[1], [2]], await handoff.TakeAsync(2, Timeout));
    }

    /// <summary>
    /// Verify that a checkpoint failing before its barrier reached the sink (a snapshot failing at once, e.g. on a
    /// full disk) still carries that epoch's records into the next one when they arrive: before the fix they were
    /// parked where nobody took them, and the epoch was missing from the output.
    /// </summary>
    [Fact]
    public async Task A_checkpoint_failing_before_its_records_arrive_must_carry_them_into_the_next_epoch()
    {
        var handoff = new EpochHandoff();
        handoff.Return(1, null);
        handoff.Provide(1, [[1]]);
        handoff.Provide(2, [[2]]);
        Assert.Equal([[1], [2]], await handoff.TakeAsync(2, Timeout));
    }

    /// <summary>Verify that a coordinator that timed out waiting for an epoch does not lose it when it comes late.</summary>
    [Fact]
    public async Task An_epoch_arriving_after_its_checkpoint_timed_out_must_join_the_next_epoch()
    {
        var handoff = new EpochHandoff();
        await Assert.ThrowsAsync<TimeoutException>(() => handoff.TakeAsync(1, TimeSpan.FromMilliseconds(50)));
        handoff.Return(1, null);
        handoff.Provide(1, [[1]]);
        handoff.Provide(2, [[2]]);
        Assert.Equal([[1], [2]], await handoff.TakeAsync(2, Timeout));
    }

    /// <summary>
    /// Verify that an epoch whose barrier arrives just as the coordinator gives up on it (timeout or cancellation) is
    /// handed over once: to that checkpoint when the wait got it, else to the next epoch. The coordinator's wait used to
    /// drop the epoch's slot after giving up, and records provided between the two went with it.
    /// </summary>
    [Fact]
    public async Task An_epoch_arriving_while_its_checkpoint_gives_up_must_be_handed_over_once()
    {
        const int Epochs = 100_000;
        var handoff = new EpochHandoff();
        var delivered = new List<int>();
        for (var id = 1; id <= Epochs; id++)
        {
            using var cancel = new CancellationTokenSource();
            var taking = handoff.TakeAsync(id, TimeSpan.FromMinutes(1), cancel.Token);
            var epoch = id;
            await Task.WhenAll(Task.Run(cancel.Cancel), Task.Run(() => handoff.Provide(epoch, [BitConverter.GetBytes(epoch)])));
            try
            {
                delivered.AddRange((await taking).Select(r => BitConverter.ToInt32(r)));
            }
            catch (OperationCanceledException)
            {
                handoff.Return(id, null);
            }
        }

        handoff.Provide(Epochs + 1, []);
        delivered.AddRange((await handoff.TakeAsync(Epochs + 1, Timeout)).Select(r => BitConverter.ToInt32(r)));
        Assert.Equal(Enumerable.Range(1, Epochs), delivered.Order());
    }

    /// <summary>
    /// Verify that once the sink side has ended (the run's stream failed) an epoch still awaited fails at once, and so
    /// does one asked for later, instead of waiting out the timeout for a barrier that cannot come.
    /// </summary>
    [Fact]
    public async Task An_epoch_awaited_when_the_sink_side_ends_must_fail_at_once()
    {
        var handoff = new EpochHandoff();
        var waiting = handoff.TakeAsync(1, TimeSpan.FromMinutes(10));
        handoff.End();
        await Assert.ThrowsAsync<InvalidOperationException>(() => waiting.WaitAsync(Timeout));
        await Assert.ThrowsAsync<InvalidOperationException>(() => handoff.TakeAsync(2, TimeSpan.FromMinutes(10)).WaitAsync(Timeout));
    }

    /// <summary>Verify that an epoch whose barrier reached the sink before it ended is still handed over.</summary>
    [Fact]
    public async Task An_epoch_that_arrived_before_the_sink_side_ended_must_still_be_handed_over()
    {
        var handoff = new EpochHandoff();
        handoff.Provide(1, [[1]]);
        handoff.End();
        Assert.Equal([[1]], await handoff.TakeAsync(1, Timeout));
    }

    /// <summary>Verify that a cancelled wait for an epoch ends at once (the coordinator closed: a failover).</summary>
    [Fact]
    public async Task A_cancelled_wait_for_an_epoch_must_end_at_once()
    {
        var handoff = new EpochHandoff();
        using var closing = new CancellationTokenSource();
        var waiting = handoff.TakeAsync(1, TimeSpan.FromMinutes(10), closing.Token);
        await closing.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Timeout));
    }
}
