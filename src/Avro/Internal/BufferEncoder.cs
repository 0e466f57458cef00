using System.Buffers.Binary;
using System.Text;
using Avro.IO;

namespace ActorFlow.Avro.Internal;

/// <summary>
/// An Avro binary encoder appending to a growable array that is reused between records (one per thread): the
/// caller resets it, writes one record and copies <see cref="Written"/> out. Not thread-safe.
/// </summary>
internal sealed class BufferEncoder : global::Avro.IO.Encoder
{
    private byte[] _buffer = new byte[256];
    private int _pos;

    /// <summary>Gets the bytes written since the last <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _pos);

    /// <summary>Forgets what was written and reserves <paramref name="header"/> bytes at the front.</summary>
    public Span<byte> Reset(int header)
    {
        _pos = 0;
        return Grow(header);
    }

    public void WriteNull()
    {
    }

    public void WriteBoolean(bool value) => Grow(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteInt(int value) => WriteLong(value);

    public void WriteLong(long value)
    {
        var n = (ulong)((value << 1) ^ (value >> 63));
        var span = Grow(10);
        var i = 0;
        while ((n & ~0x7FUL) != 0)
        {
            span[i++] = (byte)((n & 0x7F) | 0x80);
            n >>= 7;
        }

        span[i++] = (byte)n;
        _pos -= 10 - i;
    }

    public void WriteFloat(float value) => BinaryPrimitives.WriteSingleLittleEndian(Grow(4), value);

    public void WriteDouble(double value) => BinaryPrimitives.WriteDoubleLittleEndian(Grow(8), value);

    public void WriteBytes(byte[] value) => WriteBytes(value, 0, value.Length);

    public void WriteBytes(byte[] value, int offset, int length)
    {
        WriteLong(length);
        value.AsSpan(offset, length).CopyTo(Grow(length));
    }

    public void WriteString(string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        WriteLong(length);
        Encoding.UTF8.GetBytes(value, Grow(length));
    }

    public void WriteEnum(int value) => WriteLong(value);

    public void SetItemCount(long value)
    {
        if (value > 0)
        {
            WriteLong(value);
        }
    }

    public void StartItem()
    {
    }

    public void WriteArrayStart()
    {
    }

    public void WriteArrayEnd() => WriteLong(0);

    public void WriteMapStart()
    {
    }

    public void WriteMapEnd() => WriteLong(0);

    public void WriteUnionIndex(int value) => WriteLong(value);

    public void WriteFixed(byte[] data) => WriteFixed(data, 0, data.Length);

    public void WriteFixed(byte[] data, int start, int len) => data.AsSpan(start, len).CopyTo(Grow(len));

    public void Flush()
    {
    }

    private Span<byte> Grow(int length)
    {
        if (_pos + length > _buffer.Length)
        {
            Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _pos + length));
        }

        var span = _buffer.AsSpan(_pos, length);
        _pos += length;
        return span;
    }
}
