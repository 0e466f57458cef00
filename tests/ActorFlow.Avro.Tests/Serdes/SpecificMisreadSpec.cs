using System.Buffers;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using ActorFlow.Operators.Serialization;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// A generated record with a shape Apache.Avro's specific reader reads wrong without failing (an enum in a union of
/// more than null and the enum: it reads the enum's ordinal as an int) is refused with an error naming the place,
/// never read as different data.
/// </summary>
public sealed class SpecificMisreadSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that reading an enum written in a three-branch union into a generated record fails naming the field, instead of giving an int.</summary>
    [Fact]
    public void An_enum_in_a_wide_union_must_be_refused_not_read_as_an_int()
    {
        var record = new GenericRecord((global::Avro.RecordSchema)Signal._SCHEMA);
        record.Add("level", new GenericEnum((global::Avro.EnumSchema)((global::Avro.UnionSchema)((global::Avro.RecordSchema)Signal._SCHEMA).Fields[0].Schema)[0], "HIGH"));
        var payload = AvroSerde.Generic(_registry.Client).Serialize(record, "signals");

        var e = Assert.Throws<AvroSerdeException>(() => AvroSerde.For<Signal>(_registry.Client).Deserialize(payload));

        Assert.Contains("Signal.level is a union of an enum", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that the state serializer of such a record refuses to restore it the same way.</summary>
    [Fact]
    public void The_state_serializer_must_refuse_it_too()
    {
        var serializer = Serializers.Avro<Signal>();
        var buffer = new ArrayBufferWriter<byte>();
        serializer.Write(new StateWriter(buffer), new Signal { level = Level.HIGH });

        var e = Assert.Throws<InvalidDataException>(() =>
        {
            var reader = new StateReader(buffer.WrittenSpan);
            return serializer.Read(ref reader);
        });

        Assert.Contains("Signal.level is a union of an enum", e.Message, StringComparison.Ordinal);
    }
}
