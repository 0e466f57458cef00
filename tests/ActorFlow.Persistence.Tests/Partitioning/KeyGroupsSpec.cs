using System.Text;
using ActorFlow.Persistence.Partitioning;

namespace ActorFlow.Persistence.Tests.Partitioning;

public sealed class KeyGroupsSpec
{
    /// <summary>Verify that a key's group is fixed forever (these values must never change: they place stored state).</summary>
    [Theory]
    [InlineData("user-1", 128)]
    [InlineData("", 128)]
    [InlineData("ключ", 7)]
    public void ForKey_string_is_murmur3_of_utf8_mod_max_parallelism(string key, int maxParallelism)
    {
        var expected = (int)(Murmur3.Hash32(Encoding.UTF8.GetBytes(key)) % (uint)maxParallelism);
        Assert.Equal(expected, KeyGroups.ForKey(key, maxParallelism));
    }

    /// <summary>Verify golden values so an accidental change of hash, seed or encoding fails loudly.</summary>
    [Fact]
    public void ForKey_golden_values()
    {
        Assert.Equal((int)(0x24884CBAu % 128), (int)(Murmur3.Hash32("Hello, world!"u8, 0x9747b28c) % 128));
        Assert.Equal(0, KeyGroups.ForKey(string.Empty));
        Assert.Equal((int)(Murmur3.Hash32(BitConverter.GetBytes(42L)) % 128), KeyGroups.ForKey(42L));
    }

    /// <summary>Verify that long strings (pooled buffer path) hash like short ones would.</summary>
    [Fact]
    public void ForKey_long_string_uses_all_bytes()
    {
        var key = new string('x', 1000) + "é";
        Assert.Equal((int)(Murmur3.Hash32(Encoding.UTF8.GetBytes(key)) % 128u), KeyGroups.ForKey(key));
    }

    /// <summary>Verify that key groups are in range and spread evenly over many keys.</summary>
    [Fact]
    public void ForKey_spreads_keys_over_all_groups()
    {
        var counts = new int[128];
        for (var i = 0; i < 128_000; i++)
        {
            counts[KeyGroups.ForKey($"key-{i}")]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 800, 1200));
    }

    /// <summary>Verify that max parallelism outside 1..32768 is rejected.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(32769)]
    public void ForKey_rejects_invalid_max_parallelism(int maxParallelism) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.ForKey("k", maxParallelism));

    /// <summary>Verify that the boundary values 1 and 32768 are accepted.</summary>
    [Fact]
    public void ForKey_accepts_bounds()
    {
        Assert.Equal(0, KeyGroups.ForKey("k", 1));
        Assert.InRange(KeyGroups.ForKey("k", 32768), 0, 32767);
    }

    /// <summary>Verify that instance ranges are contiguous, disjoint, cover all groups and differ by at most one.</summary>
    [Theory]
    [InlineData(128, 1)]
    [InlineData(128, 3)]
    [InlineData(128, 128)]
    [InlineData(10, 4)]
    [InlineData(32768, 7)]
    public void RangeForInstance_partitions_all_key_groups(int maxParallelism, int parallelism)
    {
        var ranges = Enumerable.Range(0, parallelism).Select(i => KeyGroups.RangeForInstance(maxParallelism, parallelism, i)).ToList();
        Assert.Equal(0, ranges[0].StartInclusive);
        Assert.Equal(maxParallelism - 1, ranges[^1].EndInclusive);
        for (var i = 1; i < ranges.Count; i++)
        {
            Assert.Equal(ranges[i - 1].EndInclusive + 1, ranges[i].StartInclusive);
        }

        Assert.True(ranges.Max(r => r.Count) - ranges.Min(r => r.Count) <= 1);
        Assert.Equal(maxParallelism, ranges.Sum(r => r.Count));
    }

    /// <summary>Verify that the instance of a key group is the one whose range holds it.</summary>
    [Theory]
    [InlineData(128, 3)]
    [InlineData(128, 5)]
    [InlineData(10, 4)]
    public void InstanceForKeyGroup_agrees_with_ranges(int maxParallelism, int parallelism)
    {
        for (var kg = 0; kg < maxParallelism; kg++)
        {
            var instance = KeyGroups.InstanceForKeyGroup(maxParallelism, parallelism, kg);
            Assert.True(KeyGroups.RangeForInstance(maxParallelism, parallelism, instance).Contains(kg));
        }
    }

    /// <summary>Verify the Flink example: 128 groups over 3 instances are [0..42], [43..85], [86..127].</summary>
    [Fact]
    public void RangeForInstance_matches_flink()
    {
        Assert.Equal(new KeyGroupRange(0, 42), KeyGroups.RangeForInstance(128, 3, 0));
        Assert.Equal(new KeyGroupRange(43, 85), KeyGroups.RangeForInstance(128, 3, 1));
        Assert.Equal(new KeyGroupRange(86, 127), KeyGroups.RangeForInstance(128, 3, 2));
    }

    /// <summary>Verify that parallelism above max parallelism, or a bad instance index, is rejected.</summary>
    [Fact]
    public void RangeForInstance_rejects_invalid_arguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.RangeForInstance(128, 129, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.RangeForInstance(128, 0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.RangeForInstance(128, 4, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => KeyGroups.InstanceForKeyGroup(128, 4, 128));
    }
}
