using ActorFlow.Operators.Watermarks;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Operators.Tests.Watermarks;

public sealed class WatermarkStrategySpec
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(0));

    /// <summary>Verify that bounded out-of-orderness emits max timestamp − bound − 1.</summary>
    [Fact]
    public void A_BoundedOutOfOrderness_strategy_must_trail_the_max_timestamp()
    {
        var run = new TimestampsAndWatermarks<long>(WatermarkStrategy<long>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(5)), _time);
        run.OnRecord(0, 10_000);
        run.OnRecord(0, 7_000);
        run.OnPeriodicEmit();
        Assert.Equal(10_000 - 5_000 - 1, run.CurrentWatermark);
    }

    /// <summary>Verify that the monotonous strategy emits max timestamp − 1.</summary>
    [Fact]
    public void A_MonotonousTimestamps_strategy_must_emit_max_minus_one()
    {
        var run = new TimestampsAndWatermarks<long>(WatermarkStrategy<long>.ForMonotonousTimestamps(), _time);
        run.OnRecord(0, 42);
        run.OnPeriodicEmit();
        Assert.Equal(41, run.CurrentWatermark);
    }

    /// <summary>Verify that a timestamp assigner extracts the event time from the record.</summary>
    [Fact]
    public void A_TimestampAssigner_must_take_the_timestamp_from_the_record()
    {
        var strategy = WatermarkStrategy<long>.ForMonotonousTimestamps().WithTimestampAssigner((v, _) => v * 1000);
        var run = new TimestampsAndWatermarks<long>(strategy, _time);
        Assert.Equal(3000, run.OnRecord(3, Timestamps.NoTimestamp));
    }

    /// <summary>Verify that a custom punctuated generator can emit per record.</summary>
    [Fact]
    public void A_custom_generator_must_emit_watermarks_per_record()
    {
        var run = new TimestampsAndWatermarks<long>(WatermarkStrategy<long>.ForGenerator(() => new Punctuated()), _time);
        run.OnRecord(0, 100);
        Assert.Equal(long.MinValue, run.CurrentWatermark);
        run.OnRecord(1, 200);
        Assert.Equal(200, run.CurrentWatermark);
    }

    /// <summary>Verify that the watermark never goes backwards.</summary>
    [Fact]
    public void A_watermark_must_never_decrease()
    {
        var run = new TimestampsAndWatermarks<long>(WatermarkStrategy<long>.ForGenerator(() => new Punctuated()), _time);
        run.OnRecord(1, 200);
        run.OnRecord(1, 100);
        Assert.Equal(200, run.CurrentWatermark);
    }

    /// <summary>Verify that an input without records for the idle timeout is marked idle and rejoins with its next record
    /// (as Flink's IdlenessTimer: the countdown starts at the first periodic emit without records, here at 5 s, and the
    /// input is idle once strictly more than the timeout has passed since).</summary>
    [Fact]
    public void An_idle_input_must_be_marked_idle_and_rejoin_when_active()
    {
        var strategy = WatermarkStrategy<long>.ForMonotonousTimestamps().WithIdleness(TimeSpan.FromSeconds(10));
        var run = new TimestampsAndWatermarks<long>(strategy, _time);
        run.OnRecord(0, 1000);
        run.OnPeriodicEmit();
        Assert.False(run.IsIdle);
        _time.Advance(TimeSpan.FromSeconds(5));
        run.OnPeriodicEmit();
        Assert.False(run.IsIdle);
        _time.Advance(TimeSpan.FromSeconds(6));
        run.OnPeriodicEmit();
        Assert.False(run.IsIdle);
        _time.Advance(TimeSpan.FromSeconds(5));
        run.OnPeriodicEmit();
        Assert.True(run.IsIdle);
        run.OnRecord(0, 2000);
        Assert.False(run.IsIdle);
        run.OnPeriodicEmit();
        Assert.Equal(1999, run.CurrentWatermark);
    }

    /// <summary>Verify that a negative out-of-orderness is rejected when the strategy is built.</summary>
    [Fact]
    public void A_negative_out_of_orderness_must_be_rejected()
    {
        var ex = Assert.Throws<ArgumentException>(() => WatermarkStrategy<long>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(-1)));
        Assert.Contains("out-of-orderness", ex.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a non-positive idle timeout is rejected.</summary>
    [Fact]
    public void A_non_positive_idle_timeout_must_be_rejected() =>
        Assert.Throws<ArgumentException>(() => WatermarkStrategy<long>.ForMonotonousTimestamps().WithIdleness(TimeSpan.Zero));

    private sealed class Punctuated : IWatermarkGenerator<long>
    {
        public void OnEvent(long value, long eventTimestamp, IWatermarkOutput output)
        {
            if (value == 1)
            {
                output.EmitWatermark(eventTimestamp);
            }
        }

        public void OnPeriodicEmit(IWatermarkOutput output)
        {
        }
    }
}
