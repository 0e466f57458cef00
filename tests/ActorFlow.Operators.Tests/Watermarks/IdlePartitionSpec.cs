using ActorFlow.Operators.Watermarks;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Operators.Tests.Watermarks;

/// <summary>Two partitions, each with its own generator, combined as a source does it.</summary>
public sealed class IdlePartitionSpec
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(0));
    private readonly WatermarkCombiner _combiner = new(2);
    private readonly TimestampsAndWatermarks<long>[] _partitions;

    public IdlePartitionSpec()
    {
        var strategy = WatermarkStrategy<long>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1)).WithIdleness(TimeSpan.FromSeconds(30));
        _partitions = [new(strategy, _time), new(strategy, _time)];
    }

    /// <summary>Verify that an idle partition stops holding the combined watermark back and rejoins when it has records again.</summary>
    [Fact]
    public void An_idle_partition_must_not_hold_back_the_combined_watermark()
    {
        _partitions[0].OnRecord(0, 10_000);
        _partitions[1].OnRecord(0, 2_000);
        Tick();
        Assert.Equal(999, _combiner.CombinedWatermark);

        // Partition 1's countdown starts at the first tick without its records (1 s); it is idle after more than 30 s.
        for (var s = 1; s <= 31; s++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            _partitions[0].OnRecord(0, 10_000 + (s * 1_000));
            Tick();
        }

        Assert.False(_partitions[1].IsIdle);
        Assert.Equal(999, _combiner.CombinedWatermark);
        _time.Advance(TimeSpan.FromSeconds(1));
        _partitions[0].OnRecord(0, 42_000);
        Tick();
        Assert.True(_partitions[1].IsIdle);
        Assert.Equal(40_999, _combiner.CombinedWatermark);

        _partitions[1].OnRecord(0, 45_000);
        Tick();
        Assert.False(_partitions[1].IsIdle);
        Assert.Equal(40_999, _combiner.CombinedWatermark);
        _partitions[0].OnRecord(0, 60_000);
        Tick();
        Assert.Equal(43_999, _combiner.CombinedWatermark);
    }

    private void Tick()
    {
        for (var i = 0; i < _partitions.Length; i++)
        {
            _partitions[i].OnPeriodicEmit();
            if (_partitions[i].IsIdle)
            {
                _combiner.MarkIdle(i);
            }
            else
            {
                _combiner.UpdateWatermark(i, _partitions[i].CurrentWatermark);
            }
        }
    }
}
