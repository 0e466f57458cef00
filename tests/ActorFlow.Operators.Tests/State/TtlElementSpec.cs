using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.State;

/// <summary>
/// With TTL, each element of a list state and each entry of a map state expires on its own, as Flink's TtlListState and
/// TtlMapState: one write to the list or map no longer kept everything in it alive.
/// </summary>
public sealed class TtlElementSpec
{
    private static readonly StateTtlConfig TenSeconds = new(TimeSpan.FromSeconds(10));

    /// <summary>Verify that a list's element written 11 s ago is gone while one written 5 s ago is not.</summary>
    [Fact]
    public void A_list_element_must_expire_on_its_own()
    {
        var (backend, clock) = Backend();
        var list = backend.KeyScope.GetListState(new ListStateDescriptor<string>("l") { Ttl = TenSeconds });
        list.Add("x");
        clock.SetUtcNow(6_000);
        list.Add("y");
        list.AddAll([]);

        clock.SetUtcNow(11_000);

        Assert.Equal(["y"], list.Get());
        clock.SetUtcNow(16_000);
        Assert.Empty(list.Get());
    }

    /// <summary>Verify that a map's entry written 11 s ago is gone while one written 5 s ago is not.</summary>
    [Fact]
    public void A_map_entry_must_expire_on_its_own()
    {
        var (backend, clock) = Backend();
        var map = backend.KeyScope.GetMapState(new MapStateDescriptor<string, long>("m") { Ttl = TenSeconds });
        map.Put("a", 1);
        clock.SetUtcNow(6_000);
        map.Put("b", 2);

        clock.SetUtcNow(11_000);

        Assert.False(map.Contains("a"));
        Assert.Equal([new KeyValuePair<string, long>("b", 2)], map.Entries());
        Assert.False(map.IsEmpty);
    }

    /// <summary>Verify that with OnReadAndWrite reading one entry restarts its time only.</summary>
    [Fact]
    public void Reading_an_entry_must_restart_only_its_time()
    {
        var (backend, clock) = Backend();
        var map = backend.KeyScope.GetMapState(new MapStateDescriptor<string, long>("m") { Ttl = TenSeconds with { UpdateType = StateTtlUpdateType.OnReadAndWrite } });
        map.Put("a", 1);
        map.Put("b", 2);
        clock.SetUtcNow(5_000);
        Assert.True(map.TryGetValue("a", out _));

        clock.SetUtcNow(12_000);

        Assert.Equal(["a"], map.Entries().Select(e => e.Key));
    }

    /// <summary>Verify that elements keep their own times through a snapshot, and read without TTL after it is taken off.</summary>
    [Fact]
    public void Element_times_must_survive_a_snapshot()
    {
        var (backend, clock) = Backend();
        var list = backend.KeyScope.GetListState(new ListStateDescriptor<string>("l") { Ttl = TenSeconds });
        list.Add("x");
        clock.SetUtcNow(6_000);
        list.Add("y");
        var snapshot = BackendSnapshots.Snapshot(backend);

        var (restored, _) = Backend(11_000);
        BackendSnapshots.Restore(restored, snapshot);
        var (plain, _) = Backend(11_000);
        BackendSnapshots.Restore(plain, snapshot);

        Assert.Equal(["y"], restored.KeyScope.GetListState(new ListStateDescriptor<string>("l") { Ttl = TenSeconds }).Get());
        Assert.Equal(["x", "y"], plain.KeyScope.GetListState(new ListStateDescriptor<string>("l")).Get());
    }

    /// <summary>Verify that a snapshot drops a live list's expired elements from memory, not only its whole expired entries.</summary>
    [Fact]
    public void A_snapshot_must_drop_expired_elements_of_a_live_list()
    {
        var (backend, clock) = Backend();
        var list = backend.KeyScope.GetListState(new ListStateDescriptor<string>("l") { Ttl = TenSeconds });
        list.Add("x");
        clock.SetUtcNow(6_000);
        list.Add("y");
        clock.SetUtcNow(11_000);

        BackendSnapshots.Snapshot(backend);

        var table = backend.GetOrCreateTable<List<Timed<string>>>("l", "list", () => throw new InvalidOperationException("registered"));
        Assert.True(table.TryGet(new StateKey<string>("k", StateNamespace.None), out var held));
        Assert.Equal(["y"], held.Select(e => e.Value));
    }

    /// <summary>
    /// Verify that value, list and map state restore across TTL being put on or taken off their descriptors, on a clock of
    /// today: state written without TTL counts from the restore (it was read as written in 1970, so all of it had expired;
    /// a clock at 1 s hid that), and expires a TTL after it.
    /// </summary>
    [Fact]
    public void State_must_restore_when_TTL_is_put_on_or_taken_off()
    {
        const long today = 1_796_601_600_000; // 2026-12-07
        var (plain, _) = Backend(today);
        plain.KeyScope.GetListState(new ListStateDescriptor<string>("l")).Add("x");
        plain.KeyScope.GetState(new ValueStateDescriptor<long>("v")).Update(3);
        var (timed, _) = Backend(today);
        timed.KeyScope.GetMapState(new MapStateDescriptor<string, long>("m") { Ttl = TenSeconds }).Put("a", 1);

        var (withTtl, clock) = Backend(today + 60_000);
        BackendSnapshots.Restore(withTtl, BackendSnapshots.Snapshot(plain));
        var (withoutTtl, _) = Backend(today + 60_000);
        BackendSnapshots.Restore(withoutTtl, BackendSnapshots.Snapshot(timed));

        var list = withTtl.KeyScope.GetListState(new ListStateDescriptor<string>("l") { Ttl = TenSeconds });
        var value = withTtl.KeyScope.GetState(new ValueStateDescriptor<long>("v") { Ttl = TenSeconds });
        Assert.Equal(["x"], list.Get());
        Assert.Equal(3, value.Value);
        Assert.Equal([new KeyValuePair<string, long>("a", 1)], withoutTtl.KeyScope.GetMapState(new MapStateDescriptor<string, long>("m")).Entries());

        clock.SetUtcNow(today + 60_000 + 10_000);
        Assert.Empty(list.Get());
        Assert.False(value.HasValue);
    }

    /// <summary>
    /// Verify a value written with a TTL at clock time 0 (a test clock's start) still expires a TTL after it once
    /// restored: its time is kept, not taken for the "no time" of state written without a TTL.
    /// </summary>
    [Fact]
    public void A_value_written_with_ttl_at_time_zero_must_expire_on_time_after_a_restore()
    {
        var (backend, _) = Backend();
        backend.KeyScope.GetState(new ValueStateDescriptor<long>("v") { Ttl = TenSeconds }).Update(1);

        var (restored, clock) = Backend(5_000);
        BackendSnapshots.Restore(restored, BackendSnapshots.Snapshot(backend));
        var value = restored.KeyScope.GetState(new ValueStateDescriptor<long>("v") { Ttl = TenSeconds });
        Assert.Equal(1, value.Value);

        clock.SetUtcNow(10_000);
        Assert.False(value.HasValue);
    }

    private static (KeyedStateBackend<string> Backend, ManualTimeProvider Clock) Backend(long now = 0)
    {
        var clock = new ManualTimeProvider(now);
        var serializers = new SerializerRegistry();
        var backend = new KeyedStateBackend<string>(serializers.Get<string>(), serializers, clock) { CurrentKey = "k" };
        return (backend, clock);
    }
}
