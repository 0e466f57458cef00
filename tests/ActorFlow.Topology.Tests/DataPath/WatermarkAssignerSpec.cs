using ActorFlow.Operators.Watermarks;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime.Internal;
using Microsoft.Extensions.Time.Testing;

namespace ActorFlow.Topology.Tests.DataPath;

/// <summary>Unit specs of <see cref="WatermarkAssigner{T}"/>: one generator per partition, combined over the active ones.</summary>
public sealed class WatermarkAssignerSpec
{
    private const string P0 = "clicks/0";
    private const string P1 = "clicks/1";

    // Bounded out-of-orderness of 1 s: a partition's watermark is its max timestamp - 1,001 ms after a tick.
    private static readonly WatermarkStrategy<string> Bounded = WatermarkStrategy<string>.ForBoundedOutOfOrderness(TimeSpan.FromSeconds(1));

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_000_000));

    /// <summary>Verify that the combined watermark is the minimum of the partitions' watermarks.</summary>
    [Fact]
    public void A_WatermarkAssigner_must_combine_the_partition_watermarks_as_their_minimum()
    {
        var assigner = new WatermarkAssigner<string>(Bounded, _time);
        assigner.OnIncoming(Data(P0, Record(P0, 0, 10_000)));
        assigner.OnIncoming(Data(P1, Record(P1, 0, 4_000)));

        var tick = assigner.OnIncoming(Tick());

        Assert.Equal(2_999, tick.Watermark);
        Assert.Equal(2_999, assigner.Watermark);
    }

    /// <summary>Verify that a partition announced without records holds the combined watermark at long.MinValue when it cannot go idle.</summary>
    [Fact]
    public void A_WatermarkAssigner_must_hold_the_watermark_while_an_announced_partition_has_no_records()
    {
        var assigner = new WatermarkAssigner<string>(Bounded, _time);
        assigner.OnIncoming(Data(P0, Record(P0, 0, 10_000)));
        assigner.OnIncoming(Data(P1));

        var tick = assigner.OnIncoming(Tick());

        Assert.Equal(long.MinValue, tick.Watermark);
    }

    /// <summary>Verify that a partition idle for the idle timeout (fake clock) stops holding the combined watermark back:
    /// its countdown starts at the first tick without its records, and it is idle once more than the timeout has passed.</summary>
    [Fact]
    public void A_WatermarkAssigner_must_not_let_an_idle_partition_hold_the_watermark_back()
    {
        var assigner = new WatermarkAssigner<string>(Bounded.WithIdleness(TimeSpan.FromSeconds(5)), _time);
        assigner.OnIncoming(Data(P0, Record(P0, 0, 10_000)));
        assigner.OnIncoming(Data(P1, Record(P1, 0, 2_000)));
        Assert.Equal(999, assigner.OnIncoming(Tick()).Watermark);

        _time.Advance(TimeSpan.FromSeconds(1));
        assigner.OnIncoming(Data(P0, Record(P0, 1, 20_000)));
        Assert.Equal(999, assigner.OnIncoming(Tick()).Watermark); // p1's countdown starts

        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(999, assigner.OnIncoming(Tick()).Watermark); // exactly the timeout: not idle yet
        _time.Advance(TimeSpan.FromMilliseconds(1));
        var tick = assigner.OnIncoming(Tick());

        Assert.Equal(18_999, tick.Watermark);
    }

    /// <summary>Verify that an idle partition rejoins with its next record and holds the combined watermark back again.</summary>
    [Fact]
    public void A_WatermarkAssigner_must_let_an_idle_partition_rejoin_when_it_has_records()
    {
        var assigner = new WatermarkAssigner<string>(Bounded.WithIdleness(TimeSpan.FromSeconds(5)), _time);
        assigner.OnIncoming(Data(P0, Record(P0, 0, 10_000)));
        assigner.OnIncoming(Data(P1, Record(P1, 0, 2_000)));
        assigner.OnIncoming(Tick());
        _time.Advance(TimeSpan.FromSeconds(1));
        assigner.OnIncoming(Tick()); // p1's countdown starts
        _time.Advance(TimeSpan.FromSeconds(6));
        assigner.OnIncoming(Data(P0, Record(P0, 1, 20_000)));
        Assert.Equal(18_999, assigner.OnIncoming(Tick()).Watermark);

        _time.Advance(TimeSpan.FromSeconds(1));
        assigner.OnIncoming(Data(P1, Record(P1, 1, 22_000)));
        assigner.OnIncoming(Data(P0, Record(P0, 2, 30_000)));
        var tick = assigner.OnIncoming(Tick());

        // Without p1, the combined watermark would be p0's 28,999.
        Assert.Equal(20_999, tick.Watermark);
    }

    /// <summary>Verify that a partition that starts behind the others does not move the combined watermark backwards.</summary>
    [Fact]
    public void A_WatermarkAssigner_must_never_move_the_combined_watermark_backwards()
    {
        var assigner = new WatermarkAssigner<string>(Bounded, _time);
        assigner.OnIncoming(Data(P0, Record(P0, 0, 10_000)));
        Assert.Equal(8_999, assigner.OnIncoming(Tick()).Watermark);

        var late = assigner.OnIncoming(Data(P1, Record(P1, 0, 1_000)));
        var tick = assigner.OnIncoming(Tick());

        Assert.Equal(8_999, late.Watermark);
        Assert.Equal(8_999, tick.Watermark);
    }

    /// <summary>Verify that a record that failed to decode becomes a dead letter with its origin, offset, raw key and raw value.</summary>
    [Fact]
    public void A_WatermarkAssigner_must_turn_a_record_that_failed_to_decode_into_a_dead_letter()
    {
        var assigner = new WatermarkAssigner<string>(Bounded, _time);
        var failed = new SourceRecord<string>(null, 5_000, P0, 6, new FormatException("bad json"), [1, 2], [3, 4, 5]);

        var chunk = assigner.OnIncoming(Data(P0, Record(P0, 5, 5_000), failed, Record(P0, 7, 5_001)));

        var letter = Assert.Single(chunk.Dead!);
        Assert.Equal("decoding failed: FormatException: bad json", letter.Reason);
        Assert.Equal(P0, letter.Origin);
        Assert.Equal(6, letter.Offset);
        Assert.Equal([1, 2], letter.Key);
        Assert.Equal([3, 4, 5], letter.Value);
        Assert.Null(letter.Operator);
    }

    /// <summary>Verify that a record whose timestamp assigner throws becomes a dead letter with its origin, offset, raw key and raw value.</summary>
    [Fact]
    public void A_WatermarkAssigner_must_turn_a_record_whose_timestamp_assigner_throws_into_a_dead_letter()
    {
        var strategy = Bounded.WithTimestampAssigner((v, ts) => v == "bad" ? throw new InvalidOperationException("no time") : ts);
        var assigner = new WatermarkAssigner<string>(strategy, _time);
        var bad = new SourceRecord<string>("bad", 5_000, P1, 12, null, [9], [8, 7]);

        var chunk = assigner.OnIncoming(Data(P1, Record(P1, 11, 5_000), bad));

        var letter = Assert.Single(chunk.Dead!);
        Assert.Equal("timestamp assigner failed: InvalidOperationException: no time", letter.Reason);
        Assert.Equal(P1, letter.Origin);
        Assert.Equal(12, letter.Offset);
        Assert.Equal([9], letter.Key);
        Assert.Equal([8, 7], letter.Value);
        Assert.Null(letter.Operator);
    }

    /// <summary>Verify that the records around failed ones pass on with their values, timestamps and offsets.</summary>
    [Fact]
    public void A_WatermarkAssigner_must_pass_the_other_records_of_a_chunk_with_dead_letters()
    {
        var strategy = Bounded.WithTimestampAssigner((v, ts) => v == "bad" ? throw new InvalidOperationException("no time") : ts + 1);
        var assigner = new WatermarkAssigner<string>(strategy, _time);
        var undecodable = new SourceRecord<string>(null, 5_000, P0, 6, new FormatException("bad json"));
        var bad = new SourceRecord<string>("bad", 5_000, P0, 8, null);

        var chunk = assigner.OnIncoming(Data(P0, Record(P0, 5, 5_000, "a"), undecodable, Record(P0, 7, 6_000, "b"), bad, Record(P0, 9, 4_000, "c")));

        Assert.Equal(3, chunk.Count);
        Assert.Equal(
            [new Element<string>("a", 5_001, 5), new Element<string>("b", 6_001, 7), new Element<string>("c", 4_001, 9)],
            chunk.Items.Take(chunk.Count));
        Assert.Equal([6L, 8L], chunk.Dead!.Select(d => d.Offset));
    }

    /// <summary>Verify that a chunk's next offset is its highest offset plus one, whatever the order of its records.</summary>
    [Fact]
    public void A_WatermarkAssigner_must_set_the_next_offset_to_the_highest_offset_plus_one()
    {
        var assigner = new WatermarkAssigner<string>(Bounded, _time);

        var chunk = assigner.OnIncoming(Data(P0, Record(P0, 12, 1_000), Record(P0, 10, 1_000), Record(P0, 11, 1_000)));

        Assert.Equal(13, chunk.NextOffset);
        Assert.Equal(P0, chunk.Origin);
    }

    /// <summary>Verify that a chunk whose records are all dead still moves the next offset past them.</summary>
    [Fact]
    public void A_WatermarkAssigner_must_advance_the_next_offset_when_every_record_is_dead()
    {
        var assigner = new WatermarkAssigner<string>(Bounded, _time);
        var error = new FormatException("bad json");

        var chunk = assigner.OnIncoming(Data(P0, new SourceRecord<string>(null, 0, P0, 40, error), new SourceRecord<string>(null, 0, P0, 41, error)));

        Assert.Equal(42, chunk.NextOffset);
        Assert.Equal(0, chunk.Count);
        Assert.Equal(2, chunk.Dead!.Count);
    }

    /// <summary>Verify that a tick is answered with a tick chunk (no origin, no offset, no records) carrying the combined watermark.</summary>
    [Fact]
    public void A_WatermarkAssigner_must_answer_a_tick_with_a_tick_chunk_carrying_the_combined_watermark()
    {
        var assigner = new WatermarkAssigner<string>(Bounded, _time);
        assigner.OnIncoming(Data(P0, Record(P0, 0, 5_000)));

        var tick = assigner.OnIncoming(Tick());

        Assert.True(tick.IsTick);
        Assert.Null(tick.Origin);
        Assert.Equal(-1, tick.NextOffset);
        Assert.Equal(0, tick.Count);
        Assert.Null(tick.Dead);
        Assert.Equal(3_999, tick.Watermark);
    }

    /// <summary>Verify that a partition whose generator marked it idle counts again once its generator emits a watermark
    /// (<see cref="IWatermarkOutput.EmitWatermark"/>: "Emitting also marks the output active").</summary>
    [Fact]
    public void A_WatermarkAssigner_must_count_an_idle_partition_again_when_its_generator_emits_a_watermark()
    {
        var generators = new Queue<ScriptedGenerator>([
            new ScriptedGenerator(o => o.EmitWatermark(1_000), o => o.EmitWatermark(5_000)),
            new ScriptedGenerator(o => o.MarkIdle(), o => o.EmitWatermark(3_000)),
        ]);
        var assigner = new WatermarkAssigner<string>(WatermarkStrategy<string>.ForGenerator(generators.Dequeue), _time);
        assigner.OnIncoming(Data(P0));
        assigner.OnIncoming(Data(P1));
        Assert.Equal(1_000, assigner.OnIncoming(Tick()).Watermark);

        var tick = assigner.OnIncoming(Tick());

        Assert.Equal(3_000, tick.Watermark);
    }

    private static SourceRecord<string> Record(string partition, long offset, long timestamp, string value = "v") =>
        new(value, timestamp, partition, offset);

    private static Incoming<string> Data(string partition, params SourceRecord<string>[] records) => new(partition, records);

    private static Incoming<string> Tick() => new(null, null);

    /// <summary>A generator that runs one scripted step per periodic emit and ignores records.</summary>
    private sealed class ScriptedGenerator(params Action<IWatermarkOutput>[] steps) : IWatermarkGenerator<string>
    {
        private readonly Queue<Action<IWatermarkOutput>> _steps = new(steps);

        public void OnEvent(string value, long eventTimestamp, IWatermarkOutput output)
        {
        }

        public void OnPeriodicEmit(IWatermarkOutput output)
        {
            if (_steps.TryDequeue(out var step))
            {
                step(output);
            }
        }
    }
}
