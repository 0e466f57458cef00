using ActorFlow.Operators.Serialization;
using ActorFlow.Topology.Connectors;
using ActorFlow.Topology.Runtime;
using ActorFlow.Topology.Runtime.Internal;

namespace ActorFlow.Topology.Runtime.Internal;

/// <summary>
/// INTERNAL API. How one job's records are written when they cross nodes: keys and values of routed records and
/// the values of emitted records (main output, side outputs by tag id, dead letters), each with the serializer
/// the job's <see cref="SerializerRegistry"/> holds for its type. Every node builds the same format from the same job.
/// </summary>
internal sealed class JobWireFormat
{
    private readonly ValueCodec _key;
    private readonly ValueCodec _input;
    private readonly ValueCodec _output;
    private readonly IReadOnlyDictionary<string, ValueCodec> _sides;

    private JobWireFormat(ValueCodec key, ValueCodec input, ValueCodec output, IReadOnlyDictionary<string, ValueCodec> sides)
    {
        _key = key;
        _input = input;
        _output = output;
        _sides = sides;
        MissingTypes = new[] { key, input, output }.Concat(sides.Values)
            .Where(c => !c.IsAvailable)
            .Select(c => c.Type)
            .Distinct()
            .ToList();
    }

    /// <summary>The job's types that have no serializer (empty when every record can cross nodes).</summary>
    public IReadOnlyList<Type> MissingTypes { get; }

    /// <summary>The format of a keyed job: key, input and output types, and the side outputs that have a sink.</summary>
    public static JobWireFormat Create<TKey, TIn, TOut>(SerializerRegistry registry, IReadOnlyDictionary<string, Func<SerializerRegistry, ValueCodec>> sides) =>
        new(ValueCodec.For<TKey>(registry), ValueCodec.For<TIn>(registry), ValueCodec.For<TOut>(registry),
            sides.ToDictionary(s => s.Key, s => s.Value(registry), StringComparer.Ordinal));

    /// <summary>A message naming the types without a serializer, or null when there are none.</summary>
    public string? Describe(string jobName) => MissingTypes.Count == 0
        ? null
        : $"Job '{jobName}' cannot run on more than one node: no serializer is registered for type(s) " +
          $"{string.Join(", ", MissingTypes.Select(t => "'" + t.FullName + "'"))}. Keyed records, results and side outputs cross " +
          "nodes in ActorFlow's binary format; register an ITypeSerializer<T> for each in a SerializerRegistry and pass it " +
          "to StreamJobBuilder.WithSerializers(...).";

    /// <summary>
    /// Writes a routed record without its key group (the batch carries it): timestamp; its watermark as a 0 byte when
    /// it equals the previous record's (<paramref name="previous"/>), else a 1 byte and the watermark; its origin the
    /// same way; its offset; the raw key and value bytes; key; value.
    /// </summary>
    public void WriteRouted(StateWriter writer, in Routed record, in Routed previous)
    {
        writer.WriteInt64(record.Timestamp);
        if (record.Watermark == previous.Watermark)
        {
            writer.WriteByte(0);
        }
        else
        {
            writer.WriteByte(1);
            writer.WriteInt64(record.Watermark);
        }

        if (string.Equals(record.Origin, previous.Origin, StringComparison.Ordinal))
        {
            writer.WriteByte(0);
        }
        else
        {
            writer.WriteByte(1);
            writer.WriteString(record.Origin);
        }

        writer.WriteInt64(record.Offset);
        writer.WriteBytes(record.RawKey);
        writer.WriteBytes(record.RawValue);
        _key.Write(writer, record.Key);
        _input.Write(writer, record.Value);
    }

    /// <summary>Reads a record written by <see cref="WriteRouted"/>; <paramref name="previous"/> is the record read before it.</summary>
    public Routed ReadRouted(ref StateReader reader, int keyGroup, in Routed previous)
    {
        var timestamp = reader.ReadInt64();
        var watermark = Flag(ref reader, "watermark") ? reader.ReadInt64() : previous.Watermark;
        var origin = Flag(ref reader, "origin") ? reader.ReadString() : previous.Origin;
        var offset = reader.ReadInt64();
        var rawKey = reader.ReadBytes();
        var rawValue = reader.ReadBytes();
        var key = _key.Read(ref reader) ?? throw new InvalidDataException("A routed record arrived without its key.");
        return new Routed(keyGroup, key, _input.Read(ref reader), timestamp, watermark, origin, offset, rawKey, rawValue);
    }

    private static bool Flag(ref StateReader reader, string what) => reader.ReadByte() switch
    {
        0 => false,
        1 => true,
        var other => throw new InvalidDataException($"A routed record's {what} flag is {other} (0 or 1 expected)."),
    };

    /// <summary>Reads a record of a batch written before records carried their watermark (layouts KGB1, KGB2).</summary>
    public Routed ReadRouted(ref StateReader reader, int keyGroup)
    {
        var timestamp = reader.ReadInt64();
        var key = _key.Read(ref reader) ?? throw new InvalidDataException("A routed record arrived without its key.");
        return new Routed(keyGroup, key, _input.Read(ref reader), timestamp);
    }

    /// <summary>
    /// Writes an emitted record. A side output whose tag has no sink in this job is written without its value
    /// (kind <see cref="SideWithoutValue"/>): nothing reads it, but it is still counted (late records).
    /// </summary>
    public void WriteEmitted(StateWriter writer, in Emitted emitted)
    {
        switch (emitted.Kind)
        {
            case EmittedKind.Main:
                writer.WriteByte(MainKind);
                writer.WriteInt64(emitted.Timestamp);
                _output.Write(writer, emitted.Value);
                break;
            case EmittedKind.Side when emitted.Tag is not null && _sides.TryGetValue(emitted.Tag, out var side):
                writer.WriteByte(SideKind);
                writer.WriteInt64(emitted.Timestamp);
                writer.WriteString(emitted.Tag);
                side.Write(writer, emitted.Value);
                break;
            case EmittedKind.Side:
                writer.WriteByte(SideWithoutValue);
                writer.WriteInt64(emitted.Timestamp);
                writer.WriteString(emitted.Tag);
                break;
            case EmittedKind.Dead:
                writer.WriteByte(DeadKind);
                writer.WriteInt64(emitted.Timestamp);
                WriteDeadLetter(writer, emitted.Value as DeadLetterRecord);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(emitted), emitted.Kind, "Unknown emitted kind.");
        }
    }

    public Emitted ReadEmitted(ref StateReader reader)
    {
        var kind = reader.ReadByte();
        var timestamp = reader.ReadInt64();
        switch (kind)
        {
            case MainKind:
                return new Emitted(EmittedKind.Main, null, _output.Read(ref reader), timestamp);
            case SideKind:
                var tag = reader.ReadString() ?? throw new InvalidDataException("A side output arrived without its tag.");
                return _sides.TryGetValue(tag, out var side)
                    ? new Emitted(EmittedKind.Side, tag, side.Read(ref reader), timestamp)
                    : throw new InvalidDataException($"Side output '{tag}' is not known to this node's copy of the job.");
            case SideWithoutValue:
                return new Emitted(EmittedKind.Side, reader.ReadString(), null, timestamp);
            case DeadKind:
                return new Emitted(EmittedKind.Dead, null, ReadDeadLetter(ref reader), timestamp);
            default:
                throw new InvalidDataException($"Unknown emitted kind {kind}.");
        }
    }

    private const byte MainKind = 0;
    private const byte SideKind = 1;
    private const byte SideWithoutValue = 2;
    private const byte DeadKind = 3;

    private static void WriteDeadLetter(StateWriter writer, DeadLetterRecord? dead)
    {
        writer.WriteBoolean(dead is not null);
        if (dead is null)
        {
            return;
        }

        writer.WriteString(dead.Reason);
        writer.WriteString(dead.Origin);
        writer.WriteInt64(dead.Offset);
        writer.WriteBytes(dead.Key);
        writer.WriteBytes(dead.Value);
        writer.WriteString(dead.Operator);
    }

    private static DeadLetterRecord? ReadDeadLetter(ref StateReader reader)
    {
        if (!reader.ReadBoolean())
        {
            return null;
        }

        var reason = reader.ReadString() ?? "";
        var origin = reader.ReadString() ?? "";
        var offset = reader.ReadInt64();
        var key = reader.ReadBytes();
        var value = reader.ReadBytes();
        return new DeadLetterRecord(reason, origin, offset, key, value, reader.ReadString());
    }
}
