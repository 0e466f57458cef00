using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Serialization;

/// <summary>Built-in serializers and factories for composing serializers of user types.</summary>
public static partial class Serializers
{
    /// <summary>Gets the serializer for <see cref="bool"/>.</summary>
    public static ITypeSerializer<bool> Boolean { get; } = Create((w, v) => w.WriteBoolean(v), (ref StateReader r) => r.ReadBoolean());

    /// <summary>Gets the serializer for <see cref="byte"/>.</summary>
    public static ITypeSerializer<byte> Byte { get; } = Create((w, v) => w.WriteByte(v), (ref StateReader r) => r.ReadByte());

    /// <summary>Gets the serializer for <see cref="short"/>.</summary>
    public static ITypeSerializer<short> Int16 { get; } = Create((w, v) => w.WriteInt16(v), (ref StateReader r) => r.ReadInt16());

    /// <summary>Gets the serializer for <see cref="int"/>.</summary>
    public static ITypeSerializer<int> Int32 { get; } = Create((w, v) => w.WriteInt32(v), (ref StateReader r) => r.ReadInt32());

    /// <summary>Gets the serializer for <see cref="long"/>.</summary>
    public static ITypeSerializer<long> Int64 { get; } = Create((w, v) => w.WriteInt64(v), (ref StateReader r) => r.ReadInt64());

    /// <summary>Gets the serializer for <see cref="float"/>.</summary>
    public static ITypeSerializer<float> Single { get; } = Create((w, v) => w.WriteSingle(v), (ref StateReader r) => r.ReadSingle());

    /// <summary>Gets the serializer for <see cref="double"/>.</summary>
    public static ITypeSerializer<double> Double { get; } = Create((w, v) => w.WriteDouble(v), (ref StateReader r) => r.ReadDouble());

    /// <summary>Gets the serializer for <see cref="decimal"/>.</summary>
    public static ITypeSerializer<decimal> Decimal { get; } = Create((w, v) => w.WriteDecimal(v), (ref StateReader r) => r.ReadDecimal());

    /// <summary>Gets the serializer for <see cref="char"/>.</summary>
    public static ITypeSerializer<char> Char { get; } = Create((w, v) => w.WriteInt16((short)v), (ref StateReader r) => (char)r.ReadInt16());

    /// <summary>Gets the serializer for <see cref="string"/> (UTF-8; <c>null</c> allowed).</summary>
    public static ITypeSerializer<string> String { get; } = Create<string>((w, v) => w.WriteString(v), (ref StateReader r) => r.ReadString()!);

    /// <summary>Gets the serializer for <see cref="byte"/> arrays (<c>null</c> allowed).</summary>
    public static ITypeSerializer<byte[]> ByteArray { get; } = Create<byte[]>((w, v) => w.WriteBytes(v), (ref StateReader r) => r.ReadBytes()!);

    /// <summary>Gets the serializer for <see cref="Guid"/>.</summary>
    public static ITypeSerializer<Guid> Guid { get; } = Create(
        (w, v) =>
        {
            Span<byte> bytes = stackalloc byte[16];
            v.TryWriteBytes(bytes);
            w.WriteRaw(bytes);
        },
        (ref StateReader r) => new Guid(r.ReadRaw(16)));

    /// <summary>Gets the serializer for <see cref="TimeWindow"/>.</summary>
    public static ITypeSerializer<TimeWindow> TimeWindow { get; } = Create(
        (w, v) =>
        {
            w.WriteInt64(v.Start);
            w.WriteInt64(v.End);
        },
        (ref StateReader r) =>
        {
            var start = r.ReadInt64();
            return new TimeWindow(start, r.ReadInt64());
        });

    /// <summary>Creates a serializer from a write and a read function.</summary>
    /// <typeparam name="T">The type serialised.</typeparam>
    /// <param name="write">Writes one value.</param>
    /// <param name="read">Reads one value.</param>
    /// <returns>The serializer.</returns>
    public static ITypeSerializer<T> Create<T>(Action<StateWriter, T> write, ReadFunc<T> read)
    {
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(read);
        return new DelegateSerializer<T>(write, read);
    }

    /// <summary>Creates a serializer for a pair from the serializers of its parts.</summary>
    /// <typeparam name="T1">The first part's type.</typeparam>
    /// <typeparam name="T2">The second part's type.</typeparam>
    /// <param name="first">The first part's serializer.</param>
    /// <param name="second">The second part's serializer.</param>
    /// <returns>The serializer.</returns>
    public static ITypeSerializer<(T1, T2)> Tuple<T1, T2>(ITypeSerializer<T1> first, ITypeSerializer<T2> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return Create<(T1, T2)>(
            (w, v) =>
            {
                first.Write(w, v.Item1);
                second.Write(w, v.Item2);
            },
            (ref StateReader r) =>
            {
                var a = first.Read(ref r);
                return (a, second.Read(ref r));
            });
    }

    /// <summary>Creates a serializer for a list (<c>null</c> allowed) from its element serializer.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    /// <param name="element">The element serializer.</param>
    /// <returns>The serializer.</returns>
    public static ITypeSerializer<List<T>> List<T>(ITypeSerializer<T> element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return Create<List<T>>(
            (w, v) =>
            {
                if (v is null)
                {
                    w.WriteInt32(-1);
                    return;
                }

                w.WriteInt32(v.Count);
                foreach (var item in v)
                {
                    element.Write(w, item);
                }
            },
            (ref StateReader r) =>
            {
                var count = r.ReadInt32();
                if (count < 0)
                {
                    return null!;
                }

                var list = new List<T>(count);
                for (var i = 0; i < count; i++)
                {
                    list.Add(element.Read(ref r));
                }

                return list;
            });
    }

    private sealed class DelegateSerializer<T>(Action<StateWriter, T> write, ReadFunc<T> read) : ITypeSerializer<T>
    {
        public void Write(StateWriter writer, T value) => write(writer, value);

        public T Read(ref StateReader reader) => read(ref reader);
    }
}
