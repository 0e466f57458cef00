using System.Buffers;
using ActorFlow.Operators.Internal;

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

    /// <summary>Wraps an operator in an object-typed view for hosts that do not know its types statically.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TIn">The input type.</typeparam>
    /// <typeparam name="TOut">The output type.</typeparam>
    /// <param name="op">The operator.</param>
    /// <returns>The untyped view (sharing the operator's state).</returns>
    internal static IUntypedKeyedOperator AsUntyped<TKey, TIn, TOut>(this IKeyedOperator<TKey, TIn, TOut> op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return new UntypedKeyedOperator<TKey, TIn, TOut>(op);
    }
}
