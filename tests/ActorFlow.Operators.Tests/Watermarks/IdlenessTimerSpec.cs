using ActorFlow.Operators.Watermarks;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Operators.Tests.Watermarks;

// Flink: WatermarksWithIdleness.IdlenessTimer.checkIfIdle (flink-core): a periodic emit that sees records since the last
// one resets the countdown; the first one that sees none starts it; the input is idle once strictly more than the timeout
// has passed since the countdown started.
public sealed class IdlenessTimerSpec
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(0));
    private readonly TimestampsAndWatermarks<long> _input;

    public IdlenessTimerSpec() =>
        _input = new TimestampsAndWatermarks<long>(WatermarkStrategy<long>.ForMonotonousTimestamps().WithIdleness(TimeSpan.FromSeconds(10)), _time);

    /// <summary>Verify that the countdown starts at the first periodic emit without records, not at the one that saw the last record.</summary>
    [Fact]
    public void The_countdown_must_start_at_the_first_periodic_emit_without_records()
    {
        _input.OnRecord(0, 1_000);
        EmitAt(0);     // saw the record: no countdown
        EmitAt(5_000); // no record since: the countdown starts
        EmitAt(11_000);
        Assert.False(_input.IsIdle);
        EmitAt(15_001);
        Assert.True(_input.IsIdle);
    }

    /// <summary>Verify that the input is idle only when strictly more than the timeout has passed.</summary>
    [Fact]
    public void The_input_must_be_idle_only_after_strictly_more_than_the_timeout()
    {
        EmitAt(0); // no record ever: the countdown starts at the first periodic emit
        EmitAt(10_000);
        Assert.False(_input.IsIdle);
        EmitAt(10_001);
        Assert.True(_input.IsIdle);
    }

    /// <summary>Verify that a record between two periodic emits stops the countdown, which starts again at the next emit without records.</summary>
    [Fact]
    public void A_record_must_stop_the_countdown()
    {
        EmitAt(0);
        _time.SetUtcNow(DateTimeOffset.FromUnixTimeMilliseconds(9_000));
        _input.OnRecord(0, 1_000);
        EmitAt(9_000);  // saw the record: the countdown stops
        EmitAt(12_000); // starts again
        EmitAt(22_000);
        Assert.False(_input.IsIdle);
        EmitAt(22_001);
        Assert.True(_input.IsIdle);
    }

    private void EmitAt(long nowMs)
    {
        _time.SetUtcNow(DateTimeOffset.FromUnixTimeMilliseconds(nowMs));
        _input.OnPeriodicEmit();
    }
}
