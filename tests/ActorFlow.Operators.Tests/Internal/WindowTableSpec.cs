using System.Runtime.CompilerServices;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Tests.Internal;

/// <summary>
/// The window operator's table split by window: lookups, removal and counting across its shards, and the read in
/// insertion order a batch firing takes its entries by (null as soon as the table holds anything else).
/// </summary>
public sealed class WindowTableSpec
{
    private static StateKey<string> Key(string key, long second) => new(key, new TimeWindow(second * 1_000, (second + 1) * 1_000));

    private static (WindowTable<string, long> Table, SegmentedList<StateKey<string>> Keys) Filled(int keys, int seconds)
    {
        var table = new WindowTable<string, long>();
        var order = new SegmentedList<StateKey<string>>();
        for (var second = seconds - 1; second >= 0; second--)
        {
            for (var k = 0; k < keys; k++)
            {
                var key = Key("k" + k, second);
                ref var entry = ref table.GetOrAdd(key);
                entry.State = (second * 10_000) + k;
                entry.HasContents = true;
                order.Add(key);
            }
        }

        return (table, order);
    }

    [Fact]
    public void Entries_must_be_found_counted_and_removed_across_shards()
    {
        var (table, _) = Filled(keys: 50, seconds: 40);

        Assert.Equal(2_000, table.Count);
        Assert.Equal((7 * 10_000) + 3, table.Find(Key("k3", 7)).State);
        Assert.True(Unsafe.IsNullRef(ref table.Find(Key("k3", 40))));
        Assert.True(table.Remove(Key("k3", 7), out var removed));
        Assert.Equal((7 * 10_000) + 3, removed.State);
        Assert.False(table.Remove(Key("k3", 7)));
        Assert.Equal(1_999, table.Count);
        Assert.Equal(1_999, table.Entries().Count());

        table.Clear();
        Assert.Equal(0, table.Count);
    }

    [Fact]
    public void Entries_in_order_must_follow_the_insertion_order_across_shards()
    {
        var (table, keys) = Filled(keys: 100, seconds: 60);

        var entries = table.EntriesInOrder(keys);

        Assert.NotNull(entries);
        Assert.Equal(6_000, entries.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            Assert.Equal(table.Find(keys[i]).State, entries[i].State);
        }
    }

    [Fact]
    public void Entries_in_order_must_be_null_once_the_table_holds_other_keys_or_order()
    {
        var (table, keys) = Filled(keys: 10, seconds: 5);
        var (first, second) = (keys[0], keys[1]); // one window: one shard
        table.Remove(first);
        table.Remove(second);
        table.GetOrAdd(first).HasContents = true; // each takes the other's freed slot: the same keys in the other order
        table.GetOrAdd(second).HasContents = true;

        Assert.Null(table.EntriesInOrder(keys));

        table.GetOrAdd(Key("other", 2));
        Assert.Null(table.EntriesInOrder(keys)); // more entries than keys
    }

    [Fact]
    public void A_segmented_list_must_keep_its_items_across_segments_and_clear()
    {
        var list = new SegmentedList<string>();
        for (var i = 0; i < 5_000; i++)
        {
            list.Add("v" + i);
        }

        Assert.Equal(5_000, list.Count);
        Assert.Equal("v2047", list[2_047]);
        Assert.Equal("v2048", list[2_048]);
        Assert.Equal("v4999", list[4_999]);
        var seen = 0;
        foreach (var item in list)
        {
            Assert.Equal("v" + seen++, item);
        }

        Assert.Equal(5_000, seen);
        list.Clear();
        Assert.Equal(0, list.Count);
        list.Add("again");
        Assert.Equal("again", list[0]);
        Assert.Equal(3_000, SegmentedList<long>.OfLength(3_000).Count);
    }
}
