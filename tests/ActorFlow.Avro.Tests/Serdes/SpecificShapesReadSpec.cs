using System.Buffers;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using ActorFlow.Operators.Serialization;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// A generated record with enums (plain, nullable, in arrays and maps, in a wide union), fixed (plain, nullable, in
/// arrays and maps), decimals on bytes and on fixed, arrays of maps, maps of arrays, maps of maps, unions holding arrays,
/// maps, fixed and records, and records in collections (<see cref="Shapes"/>), written by Apache.Avro's generic writer
/// with no generated code involved, reads into the generated class with every field as written and of the declared type.
/// Apache.Avro's specific reader threw on the arrays and maps of maps and gave enums as ints.
/// </summary>
public sealed class SpecificShapesReadSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public static TheoryData<string> Branches => [.. ShapesSamples.AnythingBranches];

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that the serde reads every field of generic-written bytes as written, for each branch of the wide union.</summary>
    [Theory]
    [MemberData(nameof(Branches))]
    public void Every_field_must_read_as_written(string anything)
    {
        var payload = AvroSerde.Generic(_registry.Client).Serialize(ShapesSamples.Generic(anything), "shapes");

        var read = AvroSerde.For<Shapes>(_registry.Client).Deserialize(payload, "shapes", 0, 0);

        SpecificAssert.Same(ShapesSamples.Specific(anything), read, "Shapes");
    }

    /// <summary>Verify that the state serializer of the generated class reads what the generic state serializer wrote.</summary>
    [Fact]
    public void The_state_serializer_must_read_them_too()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Serializers.AvroGeneric(Shapes._SCHEMA).Write(new StateWriter(buffer), ShapesSamples.Generic("record"));

        var reader = new StateReader(buffer.WrittenSpan);
        var read = Serializers.Avro<Shapes>().Read(ref reader);

        SpecificAssert.Same(ShapesSamples.Specific("record"), read, "Shapes");
    }
}
