using ActorFlow.Operators.Serialization;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. A type-erased value serializer for records that cross nodes: a presence byte (0 = null, 1 = value)
/// followed by the value as the type's <see cref="ITypeSerializer{T}"/> writes it.
/// </summary>
internal abstract class ValueCodec
{
    /// <summary>The type of the values.</summary>
    public abstract Type Type { get; }

    /// <summary>False when no serializer is registered for <see cref="Type"/>: writing a value then fails, naming it.</summary>
    public abstract bool IsAvailable { get; }

    public abstract void Write(StateWriter writer, object? value);

    public abstract object? Read(ref StateReader reader);

    /// <summary>The codec of <typeparamref name="T"/> from <paramref name="registry"/> (a missing one fails only when used).</summary>
    public static ValueCodec For<T>(SerializerRegistry registry)
    {
        try
        {
            return new Typed<T>(registry.Get<T>());
        }
        catch (ArgumentException)
        {
            return new Missing(typeof(T));
        }
    }

    private sealed class Typed<T>(ITypeSerializer<T> serializer) : ValueCodec
    {
        public override Type Type => typeof(T);

        public override bool IsAvailable => true;

        public override void Write(StateWriter writer, object? value)
        {
            if (value is null)
            {
                writer.WriteByte(0);
                return;
            }

            writer.WriteByte(1);
            serializer.Write(writer, (T)value);
        }

        public override object? Read(ref StateReader reader) => reader.ReadByte() switch
        {
            0 => null,
            1 => serializer.Read(ref reader),
            var b => throw new InvalidDataException($"Invalid presence byte {b} before a value of type {typeof(T).Name}."),
        };
    }

    private sealed class Missing(Type type) : ValueCodec
    {
        public override Type Type => type;

        public override bool IsAvailable => false;

        public override void Write(StateWriter writer, object? value) => throw NotSerializable(type);

        public override object? Read(ref StateReader reader) => throw NotSerializable(type);
    }

    internal static InvalidOperationException NotSerializable(Type type) => new(
        $"No serializer is registered for type '{type.FullName}', so its records cannot cross cluster nodes. " +
        $"Register an ITypeSerializer<{type.Name}> in a SerializerRegistry and pass it to StreamJobBuilder.WithSerializers(...).");
}
