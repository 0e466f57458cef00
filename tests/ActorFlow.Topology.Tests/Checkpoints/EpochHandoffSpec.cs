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
}
