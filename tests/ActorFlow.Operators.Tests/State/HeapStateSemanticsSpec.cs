using System.Buffers;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.State;

/// <summary>
/// Keyed state treats nulls, empty lists, a missing key and expired entries as Flink's heap state backend does
/// (HeapValueState, HeapListState, HeapReducingState, HeapAggregatingState, the "No key set" check, TTL cleanup).
/// </summary>
public sealed class HeapStateSemanticsSpec
{
    /// <summary>Verify that updating a value to null clears it, so a serializer of non-null values still snapshots it.</summary>
    [Fact]
    public void Updating_a_value_to_null_must_clear_it()
    {
        var backend = Backend(new SerializerRegistry().Register(Serializers.Create<Named>((w, n) => w.WriteString(n.Name), (ref StateReader r) => new Named(r.ReadString()!))));
        backend.CurrentKey = "k";
        var value = backend.KeyScope.GetState(new ValueStateDescriptor<Named>("v"));
        value.Update(new Named("a"));
        var withValue = SnapshotOf(backend).Length;

        value.Update(null!);

        Assert.False(value.HasValue);
        Assert.True(SnapshotOf(backend).Length < withValue); // the serializer would throw on a stored null
    }

    /// <summary>Verify that a null element is refused at the call, whichever way it is added.</summary>
    [Fact]
    public void A_null_list_element_must_be_refused_at_the_call()
    {
        var backend = Backend();
        backend.CurrentKey = "k";
        var list = backend.KeyScope.GetListState(new ListStateDescriptor<string>("l"));
        list.Add("a");

        Assert.Contains("You cannot add null to a ListState", Assert.Throws<ArgumentNullException>(() => list.Add(null!)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentNullException>(() => list.AddAll(["b", null!]));
        Assert.Throws<ArgumentNullException>(() => list.Update(["c", null!]));
        Assert.Equal(["a"], list.Get());
    }

    /// <summary>Verify that adding no element leaves no entry, and that updating to no element clears the list.</summary>
    [Fact]
    public void An_empty_list_must_be_no_state()
    {
        var backend = Backend();
        backend.CurrentKey = "k";
        var list = backend.KeyScope.GetListState(new ListStateDescriptor<long>("l"));
        var empty = SnapshotOf(backend).Length;

        list.AddAll([]);
        Assert.Equal(empty, SnapshotOf(backend).Length);
        list.Add(1);
        list.Update([]);

        Assert.Empty(list.Get());
        Assert.Equal(empty, SnapshotOf(backend).Length);
    }

    /// <summary>Verify that adding null to reducing or aggregating state clears it without calling the user's function.</summary>
    [Fact]
    public void Adding_null_to_reducing_or_aggregating_state_must_clear_it()
    {
        var backend = Backend();
        backend.CurrentKey = "k";
        var longest = backend.KeyScope.GetReducingState(new ReducingStateDescriptor<string>("r", (a, b) => a.Length >= b.Length ? a : b));
        var joined = backend.KeyScope.GetAggregatingState(new AggregatingStateDescriptor<string, string, string>("g", new Join()));
        longest.Add("abc");
        joined.Add("x");

        longest.Add(null!);
        joined.Add(null!);

        Assert.False(longest.HasValue);
        Assert.False(joined.HasValue);
    }

    /// <summary>Verify Flink's map state conveniences: keys, values and putAll.</summary>
    [Fact]
    public void A_map_state_must_give_its_keys_and_values_and_put_all()
    {
        var backend = Backend();
        backend.CurrentKey = "k";
        var map = backend.KeyScope.GetMapState(new MapStateDescriptor<string, long>("m"));

        map.PutAll([new("a", 1), new("b", 2)]);
        map.Put("a", 3);

        Assert.Equal(["a", "b"], map.Keys().Order(StringComparer.Ordinal));
        Assert.Equal([2L, 3L], map.Values().Order());
    }

    /// <summary>Verify that keyed state used before any key is set (in Open) is refused, as Flink's "No key set".</summary>
    [Fact]
    public void Keyed_state_without_a_key_must_be_refused()
    {
        var value = Backend().KeyScope.GetState(new ValueStateDescriptor<long>("v"));

        Assert.Contains("No key set", Assert.Throws<InvalidOperationException>(() => value.Update(1)).Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a snapshot takes expired entries out of memory, not only out of its bytes.</summary>
    [Fact]
    public void A_snapshot_must_drop_expired_entries_from_memory()
    {
        var clock = new ManualTimeProvider(0);
        var backend = Backend(clock: clock);
        var value = backend.KeyScope.GetState(new ValueStateDescriptor<long>("v") { Ttl = new StateTtlConfig(TimeSpan.FromSeconds(10)) });
        for (var i = 0; i < 100; i++)
        {
            backend.CurrentKey = "old-" + i;
            value.Update(i);
        }

        clock.SetUtcNow(60_000);
        backend.CurrentKey = "new";
        value.Update(1);
        SnapshotOf(backend);

        Assert.Equal(1, backend.GetOrCreateTable<long>("v", "value", () => throw new InvalidOperationException("registered")).Count);
    }

    private static KeyedStateBackend<string> Backend(SerializerRegistry? serializers = null, TimeProvider? clock = null)
    {
        serializers ??= new SerializerRegistry();
        return new KeyedStateBackend<string>(serializers.Get<string>(), serializers, clock ?? TimeProvider.System);
    }

    private static byte[] SnapshotOf(KeyedStateBackend<string> backend)
    {
        var buffer = new ArrayBufferWriter<byte>();
        backend.Snapshot(new StateWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    private sealed record Named(string Name);

    private sealed class Join : ActorFlow.Operators.Functions.IAggregateFunction<string, string, string>
    {
        public string CreateAccumulator() => "";

        public string Add(string value, string accumulator) => accumulator + value;

        public string GetResult(string accumulator) => accumulator;

        public string Merge(string a, string b) => a + b;
    }
}
