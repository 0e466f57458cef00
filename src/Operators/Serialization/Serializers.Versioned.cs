using System.Globalization;

namespace ActorFlow.Operators.Serialization;

/// <summary>Reads one value that was written by version <c>version</c> of a <see cref="Serializers.Versioned{T}"/> serializer.</summary>
/// <typeparam name="T">The type of value read.</typeparam>
/// <param name="reader">The snapshot reader, positioned after the version.</param>
/// <param name="version">The schema version the value was written with (1 to the serializer's current version).</param>
/// <returns>The value read; fields the old version did not have get their defaults.</returns>
public delegate T VersionedReadFunc<T>(ref StateReader reader, int version);

/// <summary>State schema versioning: serializers that stamp each value with its schema version.</summary>
public static partial class Serializers
{
    /// <summary>
    /// Creates a serializer that writes <paramref name="currentVersion"/> (one byte) before each value and hands the
    /// stored version to <paramref name="read"/>, so that state written by an older version of the application (a
    /// savepoint, or the last checkpoint before an upgrade) still restores after the state type changed. To evolve a
    /// type: bump <paramref name="currentVersion"/>, write the new layout, and in <paramref name="read"/> read the
    /// fields every version has, then the newer ones only when <c>version</c> is high enough, giving them defaults
    /// otherwise. Only append fields; never reuse or reorder old ones. A value written by a newer version than
    /// <paramref name="currentVersion"/> fails with <see cref="InvalidDataException"/> (downgrades are not supported).
    /// A state type must be versioned from its first release: the bytes of a plain <see cref="Create{T}"/> serializer
    /// carry no version and cannot be told apart later.
    /// </summary>
    /// <typeparam name="T">The type serialised.</typeparam>
    /// <param name="currentVersion">The version this serializer writes: 1 to 255.</param>
    /// <param name="write">Writes one value in the current layout.</param>
    /// <param name="read">Reads one value of any version from 1 to <paramref name="currentVersion"/>.</param>
    /// <returns>The serializer.</returns>
    public static ITypeSerializer<T> Versioned<T>(int currentVersion, Action<StateWriter, T> write, VersionedReadFunc<T> read)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(currentVersion, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(currentVersion, byte.MaxValue);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(read);
        return new VersionedSerializer<T>((byte)currentVersion, write, read);
    }

    private sealed class VersionedSerializer<T>(byte currentVersion, Action<StateWriter, T> write, VersionedReadFunc<T> read) : ITypeSerializer<T>
    {
        public void Write(StateWriter writer, T value)
        {
            writer.WriteByte(currentVersion);
            write(writer, value);
        }

        public T Read(ref StateReader reader)
        {
            var version = reader.ReadByte();
            if (version == 0 || version > currentVersion)
            {
                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"State of type {typeof(T).Name} was written with schema version {version}; this serializer reads versions 1 to {currentVersion}."));
            }

            return read(ref reader, version);
        }
    }
}
