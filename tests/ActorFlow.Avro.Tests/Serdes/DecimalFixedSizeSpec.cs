using System.Globalization;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using Avro;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// A decimal whose unscaled value does not fit the bytes of its fixed is refused as an invalid value by the specific
/// and the generic serde, as Java's decimal conversion refuses it; Apache.Avro kept the low bytes and wrote another number.
/// </summary>
public sealed class DecimalFixedSizeSpec : IAsyncLifetime
{
    private static readonly AvroDecimal TooLarge = new(decimal.Parse("12345678901234567.890", CultureInfo.InvariantCulture));   // 2^63 < 12345678901234567890

    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that the serde of the generated class refuses it.</summary>
    [Fact]
    public void The_specific_serde_must_refuse_it()
    {
        var value = ShapesSamples.Specific();
        value.amount = TooLarge;

        var e = Assert.Throws<AvroSerdeException>(() => AvroSerde.For<Shapes>(_registry.Client).Serialize(value, "shapes"));

        Assert.Equal(AvroFailure.InvalidValue, e.Failure);
        Assert.Contains("more than the 8 of the fixed ActorFlow.Avro.Tests.Records.Amount", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that the generic serde refuses it too, and still writes the largest value that fits.</summary>
    [Fact]
    public void The_generic_serde_must_refuse_it()
    {
        var serde = AvroSerde.Generic(_registry.Client);
        var value = ShapesSamples.Generic();
        value.Add("amount", TooLarge);

        var e = Assert.Throws<AvroSerdeException>(() => serde.Serialize(value, "shapes"));

        Assert.Equal(AvroFailure.InvalidValue, e.Failure);
        value.Add("amount", new AvroDecimal(new System.Numerics.BigInteger(long.MaxValue), 3));
        var back = serde.Deserialize(serde.Serialize(value, "shapes"));
        Assert.Equal(new AvroDecimal(new System.Numerics.BigInteger(long.MaxValue), 3), back["amount"]);
    }
}
