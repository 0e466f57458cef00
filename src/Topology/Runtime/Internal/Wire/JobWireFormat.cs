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
    private readonly (ValueCodec Key, ValueCodec Value)[] _ports;
    private readonly ValueCodec[] _channels;
    private readonly int _firstMain;
    private readonly IReadOnlyDictionary<string, int> _firstSides;

    private JobWireFormat((ValueCodec Key, ValueCodec Value)[] ports, ValueCodec[] channels, int firstMain, IReadOnlyDictionary<string, int> firstSides)
    {
        _ports = ports;
        _channels = channels;
        _firstMain = firstMain;
        _firstSides = firstSides;
        MissingTypes = ports.SelectMany(p => new[] { p.Key, p.Value }).Concat(channels)
            .Where(c => !c.IsAvailable)
            .Select(c => c.Type)
            .Distinct()
            .ToList();
    }

    /// <summary>The job's types that have no serializer (empty when every record can cross nodes).</summary>
    public IReadOnlyList<Type> MissingTypes { get; }

    /// <summary>
    /// The format of a keyed job: per stage input its key and record types, per stage output some stream reads on the
    /// runner node its record type (an output read only by chained stages, or by nobody, never crosses nodes).
    /// </summary>
    public static JobWireFormat Create(JobGraph graph, SerializerRegistry registry)
    {
        var ports = new (ValueCodec, ValueCodec)[graph.Ports.Count];
        foreach (var stage in graph.Stages)
        {
            foreach (var (port, key, value) in stage.PortCodecs)
            {
                ports[port] = (key(registry), value(registry));
            }
        }

        var channels = graph.Channels.Select(c => c.LeavesKeyGroup ? c.Codec(registry) : new Unused(c.Codec(registry))).ToArray();
        var first = graph.Stages[0];
        return new JobWireFormat(ports, channels, first.Main.Id, first.Sides.ToDictionary(s => s.Key, s => s.Value.Id, StringComparer.Ordinal));
    }

    /// <summary>A message naming the types without a serializer, or null when there are none.</summary>
    public string? Describe(string jobName) => MissingTypes.Count == 0
        ? null
        : $"Job '{jobName}' cannot run on more than one node: no serializer is registered for type(s) " +
          $"{string.Join(", ", MissingTypes.Select(t => "'" + t.FullName + "'"))}. Keyed records, results and side outputs cross " +
          "nodes in ActorFlow's binary format; register an ITypeSerializer<T> for each in a SerializerRegistry and pass it " +
          "to StreamJobBuilder.WithSerializers(...).";

    /// <summary>
    /// Writes a routed record without its key group (the batch carries it): its stage input as a 0 byte when it equals
    /// the previous record's (<paramref name="previous"/>), else a 1 byte and the input; timestamp; its watermark the
    /// same way; its origin the same way; its offset; the raw key and value bytes; key; value.
    /// </summary>
    public void WriteRouted(StateWriter writer, in Routed record, in Routed previous)
    {
        if (record.Target == previous.Target)
        {
            writer.WriteByte(0);
        }
        else
        {
            writer.WriteByte(1);
            writer.WriteInt32(record.Target);
        }

        var (keyCodec, valueCodec) = Port(record.Target);
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
        keyCodec.Write(writer, record.Key);
        valueCodec.Write(writer, record.Value);
    }

    /// <summary>Reads a record written by <see cref="WriteRouted"/>; <paramref name="previous"/> is the record read before it.</summary>
    public Routed ReadRouted(ref StateReader reader, int keyGroup, in Routed previous)
    {
        var target = Flag(ref reader, "stage input") ? reader.ReadInt32() : previous.Target;
        var (keyCodec, valueCodec) = Port(target);
        var timestamp = reader.ReadInt64();
        var watermark = Flag(ref reader, "watermark") ? reader.ReadInt64() : previous.Watermark;
        var origin = Flag(ref reader, "origin") ? reader.ReadString() : previous.Origin;
        var offset = reader.ReadInt64();
        var rawKey = reader.ReadBytes();
        var rawValue = reader.ReadBytes();
        var key = keyCodec.Read(ref reader) ?? throw new InvalidDataException("A routed record arrived without its key.");
        return new Routed(keyGroup, key, valueCodec.Read(ref reader), timestamp, watermark, origin, offset, rawKey, rawValue, target);
    }

    /// <summary>Reads a record of a batch written before records named their stage input (layout KGB3: the first stage's).</summary>
    public Routed ReadRoutedV3(ref StateReader reader, int keyGroup, in Routed previous)
    {
        var (keyCodec, valueCodec) = Port(0);
        var timestamp = reader.ReadInt64();
        var watermark = Flag(ref reader, "watermark") ? reader.ReadInt64() : previous.Watermark;
        var origin = Flag(ref reader, "origin") ? reader.ReadString() : previous.Origin;
        var offset = reader.ReadInt64();
        var rawKey = reader.ReadBytes();
        var rawValue = reader.ReadBytes();
        var key = keyCodec.Read(ref reader) ?? throw new InvalidDataException("A routed record arrived without its key.");
        return new Routed(keyGroup, key, valueCodec.Read(ref reader), timestamp, watermark, origin, offset, rawKey, rawValue);
    }

    private (ValueCodec Key, ValueCodec Value) Port(int target) =>
        target >= 0 && target < _ports.Length ? _ports[target] : throw new InvalidDataException($"Stage input {target} is not known to this node's copy of the job.");

    private ValueCodec ChannelCodec(int channel) =>
        channel >= 0 && channel < _channels.Length ? _channels[channel] : throw new InvalidDataException($"Output {channel} is not known to this node's copy of the job.");

    private static bool Flag(ref StateReader reader, string what) => reader.ReadByte() switch
    {
        0 => false,
        1 => true,
        var other => throw new InvalidDataException($"A routed record's {what} flag is {other} (0 or 1 expected)."),
    };

    /// <summary>Reads a record of a batch written before records carried their watermark (layouts KGB1, KGB2).</summary>
    public Routed ReadRouted(ref StateReader reader, int keyGroup)
    {
        var (keyCodec, valueCodec) = Port(0);
        var timestamp = reader.ReadInt64();
        var key = keyCodec.Read(ref reader) ?? throw new InvalidDataException("A routed record arrived without its key.");
        return new Routed(keyGroup, key, valueCodec.Read(ref reader), timestamp);
    }

    /// <summary>
    /// Writes an emitted record: kind, timestamp, then for the main output its output and value; for a side output its
    /// tag, output and value, or only its tag when no stream reads it (kind <see cref="SideWithoutValue"/>: nothing reads
    /// the value, but it is still counted, e.g. as late); for a dead letter the letter.
    /// </summary>
    public void WriteEmitted(StateWriter writer, in Emitted emitted)
    {
        switch (emitted.Kind)
        {
            case EmittedKind.Main:
                writer.WriteByte(MainKind);
                writer.WriteInt64(emitted.Timestamp);
                writer.WriteInt32(emitted.Output);
                ChannelCodec(emitted.Output).Write(writer, emitted.Value);
                break;
            case EmittedKind.Side when emitted.Output >= 0:
                writer.WriteByte(SideKind);
                writer.WriteInt64(emitted.Timestamp);
                writer.WriteString(emitted.Tag);
                writer.WriteInt32(emitted.Output);
                ChannelCodec(emitted.Output).Write(writer, emitted.Value);
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
                throw new ArgumentOutOfRangeException(nameof(emitted), emitted.Kind, "A key group emits no such kind.");
        }
    }

    /// <summary>Reads a record written by <see cref="WriteEmitted"/> (<paramref name="version"/> 2), or by layout KGR1 (1: outputs of the first stage, unnamed).</summary>
    public Emitted ReadEmitted(ref StateReader reader, int version = 2)
    {
        var kind = reader.ReadByte();
        var timestamp = reader.ReadInt64();
        switch (kind)
        {
            case MainKind:
                var main = version >= 2 ? reader.ReadInt32() : _firstMain;
                return new Emitted(EmittedKind.Main, null, ChannelCodec(main).Read(ref reader), timestamp, main);
            case SideKind:
                var tag = reader.ReadString() ?? throw new InvalidDataException("A side output arrived without its tag.");
                var side = version >= 2 ? reader.ReadInt32() : _firstSides.TryGetValue(tag, out var known) ? known
                    : throw new InvalidDataException($"Side output '{tag}' is not known to this node's copy of the job.");
                return new Emitted(EmittedKind.Side, tag, ChannelCodec(side).Read(ref reader), timestamp, side);
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

    /// <summary>The codec of an output no stream on the runner node reads: its records never cross nodes.</summary>
    private sealed class Unused(ValueCodec codec) : ValueCodec
    {
        public override Type Type => codec.Type;

        public override bool IsAvailable => true;

        public override void Write(StateWriter writer, object? value) => codec.Write(writer, value);

        public override object? Read(ref StateReader reader) => codec.Read(ref reader);
    }
}
