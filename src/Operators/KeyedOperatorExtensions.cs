using System.Buffers;

namespace ActorFlow.Operators;

/// <summary>Conveniences over the host contract.</summary>
public static class KeyedOperatorExtensions
{
    /// <summary>Takes a snapshot into a new byte array.</summary>
    /// <param name="op">The operator.</param>
    /// <returns>The snapshot bytes.</returns>
    public static byte[] SnapshotToArray(this IKeyedOperator op)
    {
        ArgumentNullException.ThrowIfNull(op);
        var buffer = new ArrayBufferWriter<byte>();
        op.Snapshot(buffer);
        return buffer.WrittenSpan.ToArray();
    }
}
