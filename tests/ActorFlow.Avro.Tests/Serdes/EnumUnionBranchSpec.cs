using ActorFlow.Avro.Tests.Support;
using Avro;
using Avro.Generic;
using Avro.IO;
using Avro.Specific;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// In a union of two enums that share a symbol, a CLR enum value is written to the branch of its own enum: Apache.Avro's
/// specific writer took the first enum branch having a symbol of the value's name, so a <c>Second.X</c> was written
/// (and read back) as a <c>First.X</c>.
/// </summary>
public sealed class EnumUnionBranchSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify the branch written for a value of each enum, and that each reads back as itself.</summary>
    [Fact]
    public void A_value_must_go_to_the_branch_of_its_own_enum()
    {
        var serde = AvroSerde.For<Beacon>(_registry.Client);
        foreach (var (value, branch) in new (object?, long)[] { (BeaconSecond.X, 2), (BeaconFirst.X, 1), (BeaconSecond.Z, 2), (null, 0) })
        {
            var bytes = serde.Serialize(new Beacon { V = value }, "beacons");

            Assert.Equal(branch, new BinaryDecoder(new MemoryStream(bytes, 5, bytes.Length - 5)).ReadUnionIndex());
            Assert.Equal(value, serde.Deserialize(bytes).V);
        }
    }
}

#pragma warning disable CA1707 // Avro enum symbols
/// <summary>The first enum of <see cref="Beacon.V"/>.</summary>
public enum BeaconFirst
{
    X,
    Y,
}

/// <summary>The second enum of <see cref="Beacon.V"/>, sharing the symbol X with the first.</summary>
public enum BeaconSecond
{
    Z,
    X,
}
#pragma warning restore CA1707

/// <summary>A specific record, as Avro's code generator writes one, with a union of two enums.</summary>
public sealed class Beacon : ISpecificRecord
{
    public static readonly Schema AvroSchema = Schema.Parse("""
            {"type":"record","name":"Beacon","namespace":"ActorFlow.Avro.Tests.Serdes","fields":[
              {"name":"V","type":["null",{"type":"enum","name":"BeaconFirst","symbols":["X","Y"]},{"type":"enum","name":"BeaconSecond","symbols":["Z","X"]}]}]}
            """);

    public Schema Schema => AvroSchema;

    public object? V { get; set; }

    public object? Get(int fieldPos) => fieldPos == 0 ? V : throw new AvroRuntimeException("Bad index " + fieldPos);

    public void Put(int fieldPos, object fieldValue)
    {
        if (fieldPos != 0)
        {
            throw new AvroRuntimeException("Bad index " + fieldPos);
        }

        V = fieldValue;
    }
}
