using System.Buffers.Binary;
using System.Text;

namespace ActorFlow.Operators.Serialization;

/// <summary>
/// Reads values written by <see cref="StateWriter"/> from a span. Reading past the end throws
/// <see cref="InvalidDataException"/> (a truncated or corrupt snapshot).
/// </summary>
public ref struct StateReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    /// <summary>Creates a reader positioned at the start of <paramref name="data"/>.</summary>
    /// <param name="data">The snapshot bytes.</param>
    public StateReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    /// <summary>Gets the number of bytes not read yet.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>Reads one byte.</summary>
    /// <returns>The value.</returns>
    public byte ReadByte() => Take(1)[0];

    /// <summary>Reads a boolean.</summary>
    /// <returns>The value.</returns>
    public bool ReadBoolean() => Take(1)[0] != 0;

    /// <summary>Reads a 16-bit integer.</summary>
    /// <returns>The value.</returns>
    public short ReadInt16() => BinaryPrimitives.ReadInt16LittleEndian(Take(2));

    /// <summary>Reads a 32-bit integer.</summary>
    /// <returns>The value.</returns>
    public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

    /// <summary>Reads a 64-bit integer.</summary>
    /// <returns>The value.</returns>
    public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

    /// <summary>Reads a 32-bit float.</summary>
    /// <returns>The value.</returns>
    public float ReadSingle() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    /// <summary>Reads a 64-bit float.</summary>
    /// <returns>The value.</returns>
    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    /// <summary>Reads a decimal.</summary>
    /// <returns>The value.</returns>
    public decimal ReadDecimal()
    {
        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            bits[i] = ReadInt32();
        }

        return new decimal(bits);
    }

    /// <summary>Reads a string (or <c>null</c>).</summary>
    /// <returns>The value.</returns>
    public string? ReadString()
    {
        var count = ReadInt32();
        return count < 0 ? null : Encoding.UTF8.GetString(Take(count));
    }

    /// <summary>Reads a byte array (or <c>null</c>).</summary>
    /// <returns>The value.</returns>
    public byte[]? ReadBytes()
    {
        var count = ReadInt32();
        return count < 0 ? null : Take(count).ToArray();
    }

    /// <summary>Reads <paramref name="count"/> bytes without a length prefix.</summary>
    /// <param name="count">The number of bytes.</param>
    /// <returns>The bytes, as a slice of the underlying data.</returns>
    public ReadOnlySpan<byte> ReadRaw(int count) => Take(count);

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _data.Length)
        {
            throw new InvalidDataException(
                $"Operator snapshot is truncated or corrupt: wanted {count} bytes at offset {_position} of {_data.Length}.");
        }

        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }
}
