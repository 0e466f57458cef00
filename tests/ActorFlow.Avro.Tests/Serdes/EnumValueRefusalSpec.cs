using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// A CLR enum value with no symbol in the schema (a cast number such as <c>(Mood)7</c>) is refused as an invalid value
/// naming the enum and its symbols, in a field, a collection and a union; Apache.Avro's specific writer failed with an
/// index out of range, which the serde did not report as a bad value.
/// </summary>
public sealed class EnumValueRefusalSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that each place of an enum refuses a value outside it, and a value inside it still writes.</summary>
    [Fact]
    public void A_value_outside_the_enum_must_be_refused_as_invalid()
    {
        var serde = AvroSerde.For<Shapes>(_registry.Client);
        const string NoSymbol = "is not a symbol of the enum ActorFlow.Avro.Tests.Records.Mood (CALM, GLAD, SAD, UNKNOWN)";
        foreach (var (place, set, reason) in new (string, Action<Shapes>, string)[]
        {
            ("a field", s => s.mood = (Mood)7, NoSymbol),
            ("an array", s => s.moods = [Mood.CALM, (Mood)9], NoSymbol),
            ("a nullable field", s => s.maybeMood = (Mood)(-1), NoSymbol),
        })
        {
            var value = ShapesSamples.Specific();
            set(value);

            var e = Assert.Throws<AvroSerdeException>(() => serde.Serialize(value, "shapes"));

            Assert.Equal(AvroFailure.InvalidValue, e.Failure);
            Assert.True(e.Message.Contains(reason, StringComparison.Ordinal), $"{place}: {e.Message}");
        }

        var fine = ShapesSamples.Specific();
        Assert.Equal(fine.mood, serde.Deserialize(serde.Serialize(fine, "shapes")).mood);
    }
}
