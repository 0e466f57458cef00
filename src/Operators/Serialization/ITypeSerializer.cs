namespace ActorFlow.Operators.Serialization;

/// <summary>
/// Writes and reads values of one type to and from operator snapshots. Implementations must be
/// deterministic and stable across processes and versions of the application: the bytes they write are
/// restored by another process, possibly on another machine, after a crash or a rescale.
/// </summary>
/// <typeparam name="T">The type of value serialised.</typeparam>
public interface ITypeSerializer<T>
{
    /// <summary>Writes <paramref name="value"/> to <paramref name="writer"/>.</summary>
    /// <param name="writer">The snapshot writer.</param>
    /// <param name="value">The value to write (may be <c>null</c> for reference types).</param>
    void Write(StateWriter writer, T value);

    /// <summary>Reads one value written by <see cref="Write"/>.</summary>
    /// <param name="reader">The snapshot reader, positioned at the value.</param>
    /// <returns>The value read.</returns>
    T Read(ref StateReader reader);
}

/// <summary>Reads one value of <typeparamref name="T"/> from a snapshot (used by <see cref="Serializers.Create{T}"/>).</summary>
/// <typeparam name="T">The type of value read.</typeparam>
/// <param name="reader">The snapshot reader, positioned at the value.</param>
/// <returns>The value read.</returns>
public delegate T ReadFunc<T>(ref StateReader reader);
