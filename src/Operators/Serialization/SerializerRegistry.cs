using ActorFlow.Operators.Windowing;

namespace ActorFlow.Operators.Serialization;

/// <summary>
/// Maps types to the serializers that snapshots use for them. A new registry knows the built-ins
/// (<see cref="bool"/>, <see cref="byte"/>, <see cref="short"/>, <see cref="int"/>, <see cref="long"/>,
/// <see cref="float"/>, <see cref="double"/>, <see cref="decimal"/>, <see cref="char"/>, <see cref="string"/>,
/// <see cref="byte"/>[], <see cref="Guid"/>, <see cref="TimeWindow"/>) and pairs <c>(T1, T2)</c> of registered types;
/// register a serializer for every other key, value, accumulator or state type an operator keeps.
/// Operator builders resolve every serializer when they build, so a missing one fails at build time. An operator that
/// a job runs also finds the serializers of the job's registry (<c>StreamJobBuilder.WithSerializers</c>): one given to the
/// operator is asked first, then the job's; an operator given none has the built-ins, then the job's.
/// </summary>
public sealed class SerializerRegistry
{
    // The registry of the job whose operator is being made on this thread (set by the runtime around its factories).
    [ThreadStatic]
    private static SerializerRegistry? _job;

    // A view that asks _primary (the operator's registry, or a new one: the built-ins) first, then the pairs it made
    // itself (kept here, so a registry shared by jobs never caches a pair of one job's serializers), then _fallback
    // (the job's); null for a plain registry.
    private readonly SerializerRegistry? _primary;
    private readonly SerializerRegistry? _fallback;

    private readonly Dictionary<Type, object> _serializers = new()
    {
        [typeof(bool)] = Serializers.Boolean,
        [typeof(byte)] = Serializers.Byte,
        [typeof(short)] = Serializers.Int16,
        [typeof(int)] = Serializers.Int32,
        [typeof(long)] = Serializers.Int64,
        [typeof(float)] = Serializers.Single,
        [typeof(double)] = Serializers.Double,
        [typeof(decimal)] = Serializers.Decimal,
        [typeof(char)] = Serializers.Char,
        [typeof(string)] = Serializers.String,
        [typeof(byte[])] = Serializers.ByteArray,
        [typeof(Guid)] = Serializers.Guid,
        [typeof(TimeWindow)] = Serializers.TimeWindow,
    };

    /// <summary>Creates a registry that knows the built-ins.</summary>
    public SerializerRegistry()
    {
    }

    private SerializerRegistry(SerializerRegistry primary, SerializerRegistry fallback)
    {
        _primary = primary;
        _fallback = fallback;
    }

    /// <summary>Registers (or replaces) the serializer for <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type serialised.</typeparam>
    /// <param name="serializer">The serializer.</param>
    /// <returns>This registry, for chaining.</returns>
    public SerializerRegistry Register<T>(ITypeSerializer<T> serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        lock (_serializers)
        {
            _serializers[typeof(T)] = serializer;
        }

        return this;
    }

    /// <summary>Looks up the serializer for <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type serialised.</typeparam>
    /// <param name="serializer">The serializer, when found.</param>
    /// <returns><c>true</c> when a serializer is known.</returns>
    public bool TryGet<T>(out ITypeSerializer<T> serializer)
    {
        if (_primary is not null && _primary.TryGet(out serializer))
        {
            return true;
        }

        lock (_serializers)
        {
            if (_serializers.TryGetValue(typeof(T), out var found))
            {
                serializer = (ITypeSerializer<T>)found;
                return true;
            }
        }

        if (_fallback is not null)
        {
            return _fallback.TryGet(out serializer);
        }

        serializer = null!;
        return false;
    }

    /// <summary>Gets the serializer for <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The type serialised.</typeparam>
    /// <returns>The serializer.</returns>
    /// <exception cref="ArgumentException">No serializer is registered for <typeparamref name="T"/>.</exception>
    public ITypeSerializer<T> Get<T>()
    {
        if (TryGet<T>(out var serializer))
        {
            return serializer;
        }

        var type = typeof(T);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ValueTuple<,>))
        {
            var args = type.GetGenericArguments();
            var method = typeof(SerializerRegistry).GetMethod(nameof(CreateTuple), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(args);
            var created = (ITypeSerializer<T>)method.Invoke(this, null)!;
            Register(created);
            return created;
        }

        throw new ArgumentException(
            $"No serializer is registered for type '{type.FullName}'. Register one with SerializerRegistry.Register<{type.Name}>(...) " +
            "(the operator's registry, or the job's: StreamJobBuilder.WithSerializers) so that operator state holding it can be snapshotted.",
            nameof(T));
    }

    /// <summary>
    /// INTERNAL API. The registry an operator made now keeps: <paramref name="given"/> (or, when none is given, a new one:
    /// the built-ins) backed by the registry of the job whose operator this thread is making (see <see cref="ForJob"/>),
    /// or <paramref name="given"/> (or a new one) alone outside a job.
    /// </summary>
    internal static SerializerRegistry Resolve(SerializerRegistry? given) =>
        (given, _job) switch
        {
            (null, null) => new SerializerRegistry(),
            (null, { } job) => new SerializerRegistry(new SerializerRegistry(), job), // the built-ins stay the operator's own
            ({ } own, null) => own,
            ({ } own, { } job) => ReferenceEquals(own, job) || own.Backs(job) ? own : new SerializerRegistry(own, job),
        };

    /// <summary>INTERNAL API. Makes <paramref name="job"/> the job registry of operators made on this thread until the scope is disposed.</summary>
    internal static JobScope ForJob(SerializerRegistry? job)
    {
        var previous = _job;
        _job = job;
        return new JobScope(previous);
    }

    private bool Backs(SerializerRegistry job) => _primary is not null && ReferenceEquals(_fallback, job);

    private ITypeSerializer<(T1, T2)> CreateTuple<T1, T2>() => Serializers.Tuple(Get<T1>(), Get<T2>());

    /// <summary>INTERNAL API. Restores the thread's previous job registry.</summary>
    internal readonly struct JobScope(SerializerRegistry? previous) : IDisposable
    {
        public void Dispose() => _job = previous;
    }
}
