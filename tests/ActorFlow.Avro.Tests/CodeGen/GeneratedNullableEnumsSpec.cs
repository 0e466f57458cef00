using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.CodeGen;

/// <summary>
/// A generated record with nullable enums in a map and an array, a map of arrays of enums, a nullable enum and a
/// nullable fixed (<see cref="Tagged"/>, from Schemas/tagged.avsc): its generated code compiles (it is part of this
/// project, and <see cref="AvroCodeGeneratorSpec"/> checks it is the generator's output), it writes, and it reads back
/// into the generated class (Apache.Avro's specific reader put enum ordinals into the generated collections of nullable
/// enums, which refused them, so such records were refused).
/// </summary>
public sealed class GeneratedNullableEnumsSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that the generated record writes and every field reads back as written through the generic serde.</summary>
    [Fact]
    public void Nullable_enums_in_collections_must_write_and_read_back_generically()
    {
        var bytes = AvroSerde.For<Tagged>(_registry.Client).Serialize(Sample(), "tagged");

        var back = AvroSerde.Generic(_registry.Client, Tagged._SCHEMA).Deserialize(bytes, "tagged", 0, 0);

        var byKey = (IDictionary<string, object?>)back["byKey"];
        Assert.Equal("LOUD", ((GenericEnum)byKey["a"]!).Value);
        Assert.Null(byKey["b"]);
        Assert.Equal(new object?[] { null, "CALM" }, ((object?[])back["inOrder"]).Select(e => (e as GenericEnum)?.Value));
        Assert.Equal(["CALM", "LOUD"], ((object[])((IDictionary<string, object>)back["groups"])["g"]).Select(e => ((GenericEnum)e).Value));
        Assert.Null(back["tone"]);
        Assert.Equal([1, 2, 3, 4], ((GenericFixed)back["digest"]).Value);
    }

    /// <summary>Verify that the generated record reads back into the generated class field by field.</summary>
    [Fact]
    public void Reading_into_the_generated_class_must_give_what_was_written()
    {
        var serde = AvroSerde.For<Tagged>(_registry.Client);

        var read = serde.Deserialize(serde.Serialize(Sample(), "tagged"), "tagged", 0, 0);

        SpecificAssert.Same(Sample(), read, "Tagged");
    }

    private static Tagged Sample() => new()
    {
        byKey = new Dictionary<string, Tone?> { ["a"] = Tone.LOUD, ["b"] = null },
        inOrder = [null, Tone.CALM],
        groups = new Dictionary<string, IList<Tone>> { ["g"] = [Tone.CALM, Tone.LOUD] },
        tone = null,
        digest = new Digest { Value = [1, 2, 3, 4] },
    };
}
