using System.Globalization;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using Avro;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// A decimal is written as Java's decimal conversion writes it: one whose unscaled value does not fit the bytes of its
/// fixed, or has more digits than the schema's precision, is refused as an invalid value by the specific and the generic
/// serde (Apache.Avro kept the fixed's low bytes and wrote another number, and wrote any precision); one of another scale
/// is rescaled when no digit is lost, else refused.
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
        Assert.Contains("with precision 20 as max precision 12", e.Message, StringComparison.Ordinal); // Java checks the precision first
    }

    /// <summary>Verify that the generic serde refuses it too, and still writes the largest value of the schema's precision (12).</summary>
    [Fact]
    public void The_generic_serde_must_refuse_it()
    {
        var serde = AvroSerde.Generic(_registry.Client);
        var value = ShapesSamples.Generic();
        value.Add("amount", TooLarge);

        var e = Assert.Throws<AvroSerdeException>(() => serde.Serialize(value, "shapes"));

        Assert.Equal(AvroFailure.InvalidValue, e.Failure);
        value.Add("amount", new AvroDecimal(new System.Numerics.BigInteger(-999_999_999_999L), 3));
        var back = serde.Deserialize(serde.Serialize(value, "shapes"));
        Assert.Equal(new AvroDecimal(new System.Numerics.BigInteger(-999_999_999_999L), 3), back["amount"]);
    }

    /// <summary>Verify that a value of more digits than the precision (12) is refused although it fits the fixed's 8 bytes, as Java refuses it.</summary>
    [Fact]
    public void A_value_past_the_precision_must_be_refused()
    {
        var serde = AvroSerde.Generic(_registry.Client);
        var value = ShapesSamples.Generic();
        value.Add("amount", new AvroDecimal(new System.Numerics.BigInteger(1_000_000_000_000L), 3)); // 13 digits

        var e = Assert.Throws<AvroSerdeException>(() => serde.Serialize(value, "shapes"));

        Assert.Equal(AvroFailure.InvalidValue, e.Failure);
        Assert.Contains("with precision 13 as max precision 12", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Verify that a value of a smaller scale is written rescaled (1.5 as 1.500) and one that would lose a digit is refused.</summary>
    [Fact]
    public void A_value_of_another_scale_must_be_rescaled_without_rounding()
    {
        var serde = AvroSerde.Generic(_registry.Client);
        var value = ShapesSamples.Generic();
        value.Add("amount", new AvroDecimal(1.5m));

        var back = serde.Deserialize(serde.Serialize(value, "shapes"));

        Assert.Equal(new AvroDecimal(new System.Numerics.BigInteger(1_500), 3), back["amount"]);
        value.Add("amount", new AvroDecimal(1.2345m));
        var e = Assert.Throws<AvroSerdeException>(() => serde.Serialize(value, "shapes"));
        Assert.Equal(AvroFailure.InvalidValue, e.Failure);
        Assert.Contains("as scale 3 without rounding", e.Message, StringComparison.Ordinal);
    }
}
