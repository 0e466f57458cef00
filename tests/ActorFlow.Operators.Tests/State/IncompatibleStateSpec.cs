using System.Buffers;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using ActorFlow.TestKit;

namespace ActorFlow.Operators.Tests.State;

/// <summary>
/// Restored keyed state that a new version of the job declares with another type or another kind fails its restore
/// naming the state, as Flink's <c>StateMigrationException</c> and "Incompatible key/value state types"; it read as wrong
/// values instead (a long of 5,000,000,000 as the int 705,032,704, a value state as a list of one 0; found by a review
/// of state against Flink). The restored state is kept: the job's old version still reads it.
/// </summary>
public sealed class IncompatibleStateSpec
{
    /// <summary>Verify a value state written as long and declared as int fails, and the long stays in the snapshot.</summary>
    [Fact]
    public void A_value_state_whose_type_changed_must_fail_its_restore_and_keep_its_value()
    {
        var v1 = Backend();
        v1.KeyScope.GetState(new ValueStateDescriptor<long>("count")).Update(5_000_000_000);

        var v2 = Backend();
        Restore(v2, Snapshot(v1));
        var e = Assert.Throws<IncompatibleStateException>(() => v2.KeyScope.GetState(new ValueStateDescriptor<int>("count")));
        Assert.Contains("Keyed state 'count' (value)", e.Message, StringComparison.Ordinal);
        Assert.Contains("type changed", e.Message, StringComparison.Ordinal);
        Assert.Throws<IncompatibleStateException>(() => v2.KeyScope.GetState(new ValueStateDescriptor<int>("count"))); // not emptied by the first try

        var back = Backend();
        Restore(back, Snapshot(v2));
        Assert.Equal(5_000_000_000, back.KeyScope.GetState(new ValueStateDescriptor<long>("count")).Value);
    }

    /// <summary>Verify a list of longs declared as a list of ints fails (each element would read as two).</summary>
    [Fact]
    public void A_list_state_whose_element_type_changed_must_fail_its_restore()
    {
        var v1 = Backend();
        v1.KeyScope.GetListState(new ListStateDescriptor<long>("seen")).AddAll([7, 7]);

        var v2 = Backend();
        Restore(v2, Snapshot(v1));

        Assert.Throws<IncompatibleStateException>(() => v2.KeyScope.GetListState(new ListStateDescriptor<int>("seen")));
    }

    /// <summary>Verify a value state declared as a list state under the same name fails naming both kinds, also when registered before the restore.</summary>
    [Fact]
    public void A_state_whose_kind_changed_must_fail_its_restore()
    {
        var v1 = Backend();
        v1.KeyScope.GetState(new ValueStateDescriptor<long>("v")).Update(1);
        var snapshot = Snapshot(v1);

        var lazily = Backend();
        Restore(lazily, snapshot);
        var e = Assert.Throws<IncompatibleStateException>(() => lazily.KeyScope.GetListState(new ListStateDescriptor<int>("v")));
        Assert.Contains("Keyed state 'v' was snapshotted as value state, but this version of the job uses it as list state", e.Message, StringComparison.Ordinal);

        var eagerly = Backend();
        eagerly.KeyScope.GetListState(new ListStateDescriptor<int>("v"));
        Assert.Throws<IncompatibleStateException>(() => Restore(eagerly, snapshot));
    }

    /// <summary>Verify the unchanged declarations still restore (value, list, map, reducing), also from a snapshot of a restored, unread state.</summary>
    [Fact]
    public void Unchanged_state_must_restore()
    {
        var v1 = Backend();
        v1.KeyScope.GetState(new ValueStateDescriptor<long>("v")).Update(1);
        v1.KeyScope.GetListState(new ListStateDescriptor<string>("l")).Add("x");
        v1.KeyScope.GetMapState(new MapStateDescriptor<string, long>("m")).Put("a", 2);
        v1.KeyScope.GetReducingState(new ReducingStateDescriptor<long>("r", (a, b) => a + b)).Add(3);

        var unread = Backend();
        Restore(unread, Snapshot(v1));
        var v2 = Backend();
        Restore(v2, Snapshot(unread));

        Assert.Equal(1, v2.KeyScope.GetState(new ValueStateDescriptor<long>("v")).Value);
        Assert.Equal(["x"], v2.KeyScope.GetListState(new ListStateDescriptor<string>("l")).Get());
        Assert.Equal([new KeyValuePair<string, long>("a", 2)], v2.KeyScope.GetMapState(new MapStateDescriptor<string, long>("m")).Entries());
        Assert.Equal(3, v2.KeyScope.GetReducingState(new ReducingStateDescriptor<long>("r", (a, b) => a + b)).Get());
    }

    private static KeyedStateBackend<string> Backend()
    {
        var serializers = new SerializerRegistry();
        return new KeyedStateBackend<string>(serializers.Get<string>(), serializers, new ManualTimeProvider(1_796_601_600_000)) { CurrentKey = "k" };
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
