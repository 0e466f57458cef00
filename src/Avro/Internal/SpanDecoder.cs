using System.Buffers.Binary;
using System.Text;
using Avro;
using Avro.IO;

namespace ActorFlow.Avro.Internal;

/// <summary>
/// An Avro binary decoder over one array segment that checks every length against the bytes left, so that a
/// corrupt or hostile payload fails with <see cref="AvroException"/> instead of allocating what its length claims
/// or reading past the record. Not thread-safe: one per decode; <see cref="Rent"/> reuses one per thread.
/// </summary>
internal sealed class SpanDecoder(byte[] buffer, int start, int count) : global::Avro.IO.Decoder
{
    // Zero-size items (null, empty records) let a block claim more items than there are bytes left; this bounds the work.
    private const long MaxItemsBeyondBytes = 65_536;

    [ThreadStatic]
    private static SpanDecoder? _cached;

    private byte[] _buffer = buffer;
    private int _start = start;
    private int _end = start + count;
    private int _pos = start;
    private bool _rented;

    /// <summary>
    /// This thread's decoder over the segment (a new one when the thread's is in use); give it back with
    /// <see cref="Return"/> once the record is read.
    /// </summary>
    /// <param name="buffer">The bytes.</param>
    /// <param name="start">Where the record starts.</param>
    /// <param name="count">How many bytes it may take.</param>
    /// <returns>The decoder.</returns>
    public static SpanDecoder Rent(byte[] buffer, int start, int count)
    {
        var decoder = _cached;
        if (decoder is null || decoder._rented)
        {
            decoder = new SpanDecoder(buffer, start, count);
            _cached ??= decoder;
        }
        else
        {
            decoder._buffer = buffer;
            decoder._start = start;
            decoder._end = start + count;
            decoder._pos = start;
        }

        decoder._rented = true;
        return decoder;
    }

    /// <summary>Ends a <see cref="Rent"/>: the thread may use this decoder again (and it lets go of the bytes).</summary>
    public void Return()
    {
        _buffer = [];
        _start = _end = _pos = 0;
        _rented = false;
    }

    /// <summary>Gets the number of bytes not read yet.</summary>
    public int Remaining => _end - _pos;

    public void ReadNull()
    {
    }

    public bool ReadBoolean()
    {
        var b = ReadByte();
        return b switch
        {
            0 => false,
            1 => true,
            _ => throw new AvroException($"Malformed data: boolean byte {b} at position {_pos - 1 - _start}."),
        };
    }

    public int ReadInt()
    {
        var value = ReadLong();
        if (value is < int.MinValue or > int.MaxValue)
        {
            throw new AvroException($"Malformed data: int out of range ({value}).");
        }

        return (int)value;
    }

    public long ReadLong()
    {
        ulong n = 0;
        var shift = 0;
        while (true)
        {
            var b = ReadByte();
            n |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                break;
            }

            shift += 7;
            if (shift > 63)
            {
                throw new AvroException("Malformed data: varint longer than 10 bytes.");
            }
        }

        return (long)(n >> 1) ^ -(long)(n & 1);
    }

    public float ReadFloat() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

    public double ReadDouble() => BinaryPrimitives.ReadDoubleLittleEndian(Take(8));

    public byte[] ReadBytes() => Take(ReadLength()).ToArray();

    public string ReadString() => Encoding.UTF8.GetString(Take(ReadLength()));

    public int ReadEnum() => ReadInt();

    public long ReadArrayStart() => ReadBlockCount();

    public long ReadArrayNext() => ReadBlockCount();

    public long ReadMapStart() => ReadBlockCount();

    public long ReadMapNext() => ReadBlockCount();

    public int ReadUnionIndex() => ReadInt();

    public void ReadFixed(byte[] buffer) => ReadFixed(buffer, 0, buffer.Length);

    public void ReadFixed(byte[] buffer, int start, int length) => Take(length).CopyTo(buffer.AsSpan(start, length));

    public void SkipNull()
    {
    }

    public void SkipBoolean() => ReadBoolean();

    public void SkipInt() => ReadLong();

    public void SkipLong() => ReadLong();

    public void SkipFloat() => Take(4);

    public void SkipDouble() => Take(8);

    public void SkipBytes() => Take(ReadLength());

    public void SkipString() => Take(ReadLength());

    public void SkipEnum() => ReadLong();

    public void SkipUnionIndex() => ReadLong();

    public void SkipFixed(int len) => Take(len);

    private byte ReadByte()
    {
        if (_pos >= _end)
        {
            throw Truncated(1);
        }

        return _buffer[_pos++];
    }

    private ReadOnlySpan<byte> Take(int length)
    {
        if (length > _end - _pos)
        {
            throw Truncated(length);
        }

        var span = _buffer.AsSpan(_pos, length);
        _pos += length;
        return span;
    }

    private int ReadLength()
    {
        var length = ReadLong();
        if (length < 0)
        {
            throw new AvroException($"Malformed data: negative length {length}.");
        }

        if (length > _end - _pos)
        {
            throw Truncated(length);
        }

        return (int)length;
    }

    private long ReadBlockCount()
    {
        var count = ReadLong();
        if (count < 0)
        {
            // A negative count is followed by the block's size in bytes.
            var size = ReadLong();
            if (size < 0 || size > _end - _pos)
            {
                throw new AvroException($"Malformed data: block size {size} with {_end - _pos} bytes left.");
            }

            count = -count;
            if (count < 0)
            {
                throw new AvroException("Malformed data: block count overflow.");
            }
        }

        if (count > _end - _pos + MaxItemsBeyondBytes)
        {
            throw new AvroException($"Malformed data: a block of {count} items with {_end - _pos} bytes left.");
        }

        return count;
    }

    private TruncatedAvroException Truncated(long wanted) =>
        new($"Truncated data: {wanted} more bytes wanted at position {_pos - _start}, {_end - _pos} left.");
}

/// <summary>INTERNAL API. The payload ended before the record did.</summary>
internal sealed class TruncatedAvroException(string message) : AvroException(message);
