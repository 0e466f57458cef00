using System.Buffers;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;
using ActorFlow.Operators.State;
using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Tests.Internal;

/// <summary>Keyed state written by snapshot format version 1 (values not length-prefixed) still restores.</summary>
public sealed class KeyedStateBackendSpec
{
    private static readonly ValueStateDescriptor<long> Count = new("count");

    private static KeyedStateBackend<string> Backend()
    {
        var serializers = new SerializerRegistry();
        return new KeyedStateBackend<string>(serializers.Get<string>(), serializers, TimeProvider.System);
    }

    /// <summary>The keyed-state part of a version 1 snapshot: one value state "count" = 42 for key "a".</summary>
    private static byte[] Version1State()
    {
        var table = new ArrayBufferWriter<byte>();
        var t = new StateWriter(table);
        t.WriteInt32(1);
        t.WriteString("a");
        t.WriteInt64(StateNamespace.None.Start);
        t.WriteInt64(StateNamespace.None.End);
        t.WriteInt64(0);
        t.WriteInt64(42);
        var state = new ArrayBufferWriter<byte>();
        var w = new StateWriter(state);
        w.WriteInt32(1);
        w.WriteString(Count.Name);
        w.WriteInt32(table.WrittenCount);
        w.WriteRaw(table.WrittenSpan);
        return state.WrittenSpan.ToArray();
    }

    private static long Read(KeyedStateBackend<string> backend)
    {
        backend.CurrentKey = "a";
        return backend.KeyScope.GetState(Count).Value;
    }

    /// <summary>Verify that version 1 keyed state restores when its descriptor is asked for.</summary>
    [Fact]
    public void A_KeyedStateBackend_must_restore_version_1_state()
    {
        var backend = Backend();
        var reader = new StateReader(Version1State());
        backend.Restore(ref reader, legacyLayout: true);
        Assert.Equal(42, Read(backend));
    }

    /// <summary>Verify that version 1 state not asked for before the next snapshot is carried into it and still restores.</summary>
    [Fact]
    public void A_KeyedStateBackend_must_carry_unread_version_1_state_into_later_snapshots()
    {
        var first = Backend();
        var reader = new StateReader(Version1State());
        first.Restore(ref reader, legacyLayout: true);
        first.ClearNamespace("a", new TimeWindow(0, 1_000));
        var snapshot = new ArrayBufferWriter<byte>();
        first.Snapshot(new StateWriter(snapshot));
        var second = Backend();
        var again = new StateReader(snapshot.WrittenSpan);
        second.Restore(ref again, legacyLayout: false);
        Assert.Equal(42, Read(second));
    }
}
