using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// The serde of a generated record writes every shape of <see cref="Shapes"/> to the bytes Apache.Avro's generic writer
/// writes for the same value, and reads them back as written. Apache.Avro's specific writer threw on the decimal over
/// fixed ("Fixed object is not derived from SpecificFixed").
/// </summary>
public sealed class SpecificShapesWriteSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public static TheoryData<string> Branches => [.. ShapesSamples.AnythingBranches];

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that the body written from the generated class is the generic writer's, for each branch of the wide union.</summary>
    [Theory]
    [MemberData(nameof(Branches))]
    public void The_body_must_be_the_generic_writers(string anything)
    {
        var specific = AvroSerde.For<Shapes>(_registry.Client).Serialize(ShapesSamples.Specific(anything), "shapes");
        var generic = AvroSerde.Generic(_registry.Client).Serialize(ShapesSamples.Generic(anything), "shapes");

        Assert.Equal(Convert.ToHexString(generic.AsSpan(AvroSerde<Shapes>.HeaderLength)), Convert.ToHexString(specific.AsSpan(AvroSerde<Shapes>.HeaderLength)));
    }

    /// <summary>Verify that what the serde writes it reads back as written.</summary>
    [Theory]
    [MemberData(nameof(Branches))]
    public void A_round_trip_must_give_the_value_back(string anything)
    {
        var serde = AvroSerde.For<Shapes>(_registry.Client);

        var read = serde.Deserialize(serde.Serialize(ShapesSamples.Specific(anything), "shapes"), "shapes", 0, 0);

        SpecificAssert.Same(ShapesSamples.Specific(anything), read, "Shapes");
    }
}
