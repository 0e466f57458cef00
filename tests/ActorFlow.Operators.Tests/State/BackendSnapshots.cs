using System.Buffers;
using ActorFlow.Operators.Internal;
using ActorFlow.Operators.Serialization;

namespace ActorFlow.Operators.Tests.State;

/// <summary>A keyed state backend's snapshot as bytes, and a restore from them (the state specs' round trips).</summary>
internal static class BackendSnapshots
{
    public static byte[] Snapshot(KeyedStateBackend<string> backend)
    {
        var buffer = new ArrayBufferWriter<byte>();
        backend.Snapshot(new StateWriter(buffer));
        return buffer.WrittenSpan.ToArray();
    }

    public static void Restore(KeyedStateBackend<string> backend, byte[] snapshot)
    {
        var reader = new StateReader(snapshot);
        backend.Restore(ref reader, legacyLayout: false);
    }
}
