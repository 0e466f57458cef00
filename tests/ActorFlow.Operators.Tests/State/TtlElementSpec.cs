using System.Buffers;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
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
        var snapshot = Snapshot(backend);

        var (restored, _) = Backend(11_000);
        Restore(restored, snapshot);
        var (plain, _) = Backend(11_000);
        Restore(plain, snapshot);

        Assert.Equal(["y"], restored.KeyScope.GetListState(new ListStateDescriptor<string>("l") { Ttl = TenSeconds }).Get());
        Assert.Equal(["x", "y"], plain.KeyScope.GetListState(new ListStateDescriptor<string>("l")).Get());
    }

    private static (KeyedStateBackend<string> Backend, ManualTimeProvider Clock) Backend(long now = 0)
    {
        var clock = new ManualTimeProvider(now);
        var serializers = new SerializerRegistry();
        var backend = new KeyedStateBackend<string>(serializers.Get<string>(), serializers, clock) { CurrentKey = "k" };
        return (backend, clock);
    }

    private static byte[] Snapshot(KeyedStateBackend<string> backend)
    {
        var buffer = new ArrayBufferWriter<byte>();
        backend.Snapshot(new StateWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    private static void Restore(KeyedStateBackend<string> backend, byte[] snapshot)
    {
        var reader = new StateReader(snapshot);
        backend.Restore(ref reader, legacyLayout: false);
    }
}
