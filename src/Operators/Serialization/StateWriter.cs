using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ActorFlow.Operators.Serialization;

/// <summary>
/// Appends primitive values to a snapshot in a fixed, little-endian binary layout. Strings are UTF-8
/// with a length prefix (−1 for <c>null</c>); byte arrays are length-prefixed the same way.
/// </summary>
public sealed class StateWriter
{
    private readonly IBufferWriter<byte> _buffer;

    /// <summary>Creates a writer that appends to <paramref name="buffer"/>.</summary>
    /// <param name="buffer">The destination buffer.</param>
    public StateWriter(IBufferWriter<byte> buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        _buffer = buffer;
    }

    /// <summary>Writes one byte.</summary>
    /// <param name="value">The value.</param>
    public void WriteByte(byte value)
    {
        _buffer.GetSpan(1)[0] = value;
        _buffer.Advance(1);
    }

    /// <summary>Writes a boolean as one byte (0 or 1).</summary>
    /// <param name="value">The value.</param>
    public void WriteBoolean(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    /// <summary>Writes a 16-bit integer.</summary>
    /// <param name="value">The value.</param>
    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16LittleEndian(_buffer.GetSpan(2), value);
        _buffer.Advance(2);
    }

    /// <summary>Writes a 32-bit integer.</summary>
    /// <param name="value">The value.</param>
    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    /// <summary>Writes a 64-bit integer.</summary>
    /// <param name="value">The value.</param>
    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>Writes a 32-bit float.</summary>
    /// <param name="value">The value.</param>
    public void WriteSingle(float value)
    {
        BinaryPrimitives.WriteSingleLittleEndian(_buffer.GetSpan(4), value);
        _buffer.Advance(4);
    }

    /// <summary>Writes a 64-bit float.</summary>
    /// <param name="value">The value.</param>
    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
    }

    /// <summary>Writes a decimal as its four 32-bit parts.</summary>
    /// <param name="value">The value.</param>
    public void WriteDecimal(decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        foreach (var part in bits)
        {
            WriteInt32(part);
        }
    }

    /// <summary>Writes a string as a UTF-8 byte count (−1 for <c>null</c>) followed by the bytes.</summary>
    /// <param name="value">The value.</param>
    public void WriteString(string? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        var count = Encoding.UTF8.GetByteCount(value);
        WriteInt32(count);
        var span = _buffer.GetSpan(count);
        Encoding.UTF8.GetBytes(value, span);
        _buffer.Advance(count);
    }

    /// <summary>Writes a byte array as its length (−1 for <c>null</c>) followed by the bytes.</summary>
    /// <param name="value">The value.</param>
    public void WriteBytes(byte[]? value)
    {
        if (value is null)
        {
            WriteInt32(-1);
            return;
        }

        WriteInt32(value.Length);
        WriteRaw(value);
    }

    /// <summary>Writes bytes without a length prefix.</summary>
    /// <param name="value">The bytes.</param>
    public void WriteRaw(ReadOnlySpan<byte> value)
    {
        if (value.IsEmpty)
        {
            return;
        }

        value.CopyTo(_buffer.GetSpan(value.Length));
        _buffer.Advance(value.Length);
    }
}
