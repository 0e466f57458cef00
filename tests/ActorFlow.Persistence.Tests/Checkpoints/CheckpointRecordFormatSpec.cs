using System.Collections.Immutable;
using ActorFlow.Persistence.Checkpoints;

namespace ActorFlow.Persistence.Tests.Checkpoints;

/// <summary>The stored form of checkpoint records: versions written and read.</summary>
public sealed class CheckpointRecordFormatSpec
{
    private static readonly CheckpointRecord Plain = new(
        "job", 4, 1_700_000_000_000, [new TopicPartitionOffset("t", 0, 10)], ImmutableDictionary<string, string>.Empty, [new KeyGroupSnapshotInfo(1, 5, 64)]);

    /// <summary>Verify that a record without a watermark is still written in the versions older builds read (1, or 2 with a state checkpoint id).</summary>
    [Fact]
    public void A_record_without_a_watermark_must_be_written_as_version_1_or_2()
    {
        Assert.Equal(1, CheckpointRecordFormat.VersionOf(CheckpointRecordFormat.Write(Plain)));
        Assert.Equal(2, CheckpointRecordFormat.VersionOf(CheckpointRecordFormat.Write(Plain with { StateCheckpointId = 2 })));
    }

    /// <summary>Verify that a record with a watermark is written as version 3 and reads back the same, with and without a state checkpoint id.</summary>
    [Fact]
    public void A_record_with_a_watermark_must_round_trip_as_version_3()
    {
        foreach (var record in new[] { Plain with { Watermark = 123 }, Plain with { Watermark = long.MaxValue - 1, StateCheckpointId = 2 } })
        {
            var bytes = CheckpointRecordFormat.Write(record);
            Assert.Equal(3, CheckpointRecordFormat.VersionOf(bytes));
            var read = CheckpointRecordFormat.Read("job", 4, bytes);
            Assert.Equal(record.Watermark, read.Watermark);
            Assert.Equal(record.StateCheckpointId, read.StateCheckpointId);
            Assert.Equal(record.Offsets.ToArray(), read.Offsets.ToArray());
            Assert.Equal(record.KeyGroups.ToArray(), read.KeyGroups.ToArray());
        }
    }

    /// <summary>Verify that a record read from version 1 or 2 has no watermark (the minimum).</summary>
    [Fact]
    public void A_record_of_an_older_version_must_read_with_the_minimum_watermark()
    {
        Assert.Equal(long.MinValue, CheckpointRecordFormat.Read("job", 4, CheckpointRecordFormat.Write(Plain)).Watermark);
        Assert.Equal(long.MinValue, CheckpointRecordFormat.Read("job", 4, CheckpointRecordFormat.Write(Plain with { StateCheckpointId = 2 })).Watermark);
    }

    /// <summary>Verify that a record with a duration is written as version 4 and reads back the same; older versions read without one.</summary>
    [Fact]
    public void A_record_with_a_duration_must_round_trip_as_version_4()
    {
        foreach (var record in new[] { Plain with { DurationMs = 17 }, Plain with { DurationMs = 0, Watermark = 123, StateCheckpointId = 2 } })
        {
            var bytes = CheckpointRecordFormat.Write(record);
            Assert.Equal(4, CheckpointRecordFormat.VersionOf(bytes));
            var read = CheckpointRecordFormat.Read("job", 4, bytes);
            Assert.Equal(record.DurationMs, read.DurationMs);
            Assert.Equal(record.Watermark, read.Watermark);
            Assert.Equal(record.StateCheckpointId, read.StateCheckpointId);
        }

        Assert.Null(CheckpointRecordFormat.Read("job", 4, CheckpointRecordFormat.Write(Plain with { Watermark = 1 })).DurationMs);
    }

    /// <summary>
    /// Verify that a record naming every assigned partition is written as version 5 and reads back the same, with and
    /// without a duration; records of versions 1 to 4 read as not naming every partition.
    /// </summary>
    [Fact]
    public void A_record_naming_every_assigned_partition_must_round_trip_as_version_5()
    {
        foreach (var record in new[] { Plain with { NamesAssignedPartitions = true }, Plain with { NamesAssignedPartitions = true, DurationMs = 9, Watermark = 123, StateCheckpointId = 2 } })
        {
            var bytes = CheckpointRecordFormat.Write(record);
            Assert.Equal(5, CheckpointRecordFormat.VersionOf(bytes));
            var read = CheckpointRecordFormat.Read("job", 4, bytes);
            Assert.True(read.NamesAssignedPartitions);
            Assert.Equal(record.DurationMs, read.DurationMs);
            Assert.Equal(record.Watermark, read.Watermark);
            Assert.Equal(record.StateCheckpointId, read.StateCheckpointId);
            Assert.Equal(record.Offsets.ToArray(), read.Offsets.ToArray());
        }

        foreach (var older in new[] { Plain, Plain with { StateCheckpointId = 2 }, Plain with { Watermark = 1 }, Plain with { DurationMs = 3 } })
        {
            Assert.False(CheckpointRecordFormat.Read("job", 4, CheckpointRecordFormat.Write(older)).NamesAssignedPartitions);
        }
    }
}
