using System.Buffers;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using ActorFlow.Operators.Serialization;
using Avro;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// An enum in a union of more than null and the enum (<see cref="Signal"/>: <c>[Level, "null", "int"]</c>, a generated
/// <see cref="object"/> member) reads as the CLR enum, never as its ordinal: Apache.Avro's specific reader put the int 2
/// there for <c>HIGH</c>, which a later write encoded as the union's int branch. It was refused before; now it reads.
/// </summary>
public sealed class SpecificMisreadSpec : IAsyncLifetime
{
    private static readonly UnionSchema Level = (UnionSchema)((RecordSchema)Signal._SCHEMA).Fields[0].Schema;

    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that each branch of the union, written by the generic writer, reads into the generated record as written.</summary>
    [Fact]
    public void Each_branch_of_a_wide_union_with_an_enum_must_read_as_written()
    {
        var serde = AvroSerde.Generic(_registry.Client);
        object? Read(object? level)
        {
            var record = new GenericRecord((RecordSchema)Signal._SCHEMA);
            record.Add("level", level);
            return AvroSerde.For<Signal>(_registry.Client).Deserialize(serde.Serialize(record, "signals")).level;
        }

        Assert.Equal(Records.Level.HIGH, Assert.IsType<Level>(Read(new GenericEnum((EnumSchema)Level[0], "HIGH"))));
        Assert.Equal(2, Assert.IsType<int>(Read(2)));
        Assert.Null(Read(null));
    }

    /// <summary>Verify that the generated record's enum goes through the serde and back as the enum, written as the union's enum branch.</summary>
    [Fact]
    public void The_enum_must_round_trip_through_the_serde_as_the_enum_branch()
    {
        var serde = AvroSerde.For<Signal>(_registry.Client);

        var payload = serde.Serialize(new Signal { level = Records.Level.HIGH }, "signals");

        Assert.Equal([0, 4], payload[AvroSerde<Signal>.HeaderLength..]);   // branch 0 (the enum), symbol 2 (HIGH)
        Assert.Equal(Records.Level.HIGH, serde.Deserialize(payload).level);
    }

    /// <summary>Verify that the state serializer of such a record restores the enum as the enum.</summary>
    [Fact]
    public void The_state_serializer_must_restore_the_enum()
    {
        var serializer = Serializers.Avro<Signal>();
        var buffer = new ArrayBufferWriter<byte>();
        serializer.Write(new StateWriter(buffer), new Signal { level = Records.Level.HIGH });

        var reader = new StateReader(buffer.WrittenSpan);

        Assert.Equal(Records.Level.HIGH, serializer.Read(ref reader).level);
    }
}
