using System.Buffers;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using ActorFlow.Operators.Serialization;
using Avro;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Evolution;

/// <summary>
/// An older writer schema of <see cref="Shapes"/> (another record name, read through the reader's alias) read into the
/// generated class: an enum symbol the reader lacks gives the enum's default in a field, an array and a map; a field
/// renamed through an alias and promoted float to double; int to long; string to bytes and bytes to string in a map of
/// arrays; float to double in a map of maps; int to long in an array inside a union; a field added to a record inside
/// collections is skipped; a removed map of arrays of enums is skipped; missing fields get their defaults.
/// </summary>
public sealed class SpecificShapesEvolutionSpec : IAsyncLifetime
{
    private static readonly RecordSchema Old = (RecordSchema)Schema.Parse("""
        {"type":"record","name":"OldShapes","namespace":"ActorFlow.Avro.Tests.Records","fields":[
          {"name":"mood","type":{"type":"enum","name":"Mood","symbols":["CALM","GLAD","SAD","ANGRY"]}},
          {"name":"moods","type":{"type":"array","items":"Mood"}},
          {"name":"maybeMoods","type":{"type":"array","items":["null","Mood"]}},
          {"name":"moodByKey","type":{"type":"map","values":["null","Mood"]}},
          {"name":"anything","type":["null","string",{"type":"array","items":"int"}]},
          {"name":"hash","type":{"type":"fixed","name":"Hash","size":4}},
          {"name":"maybeHash","type":["null","Hash"]},
          {"name":"hashes","type":{"type":"array","items":"Hash"}},
          {"name":"hashByKey","type":{"type":"map","values":"Hash"}},
          {"name":"price","type":{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}},
          {"name":"amount","type":{"type":"fixed","name":"Amount","size":8,"logicalType":"decimal","precision":12,"scale":3}},
          {"name":"maybeAmount","type":["null","Amount"]},
          {"name":"amounts","type":{"type":"array","items":"Amount"}},
          {"name":"maybePrice","type":["null",{"type":"bytes","logicalType":"decimal","precision":9,"scale":2}]},
          {"name":"listOfMaps","type":{"type":"array","items":{"type":"map","values":"int"}}},
          {"name":"mapOfLists","type":{"type":"map","values":{"type":"array","items":"bytes"}}},
          {"name":"mapOfMaps","type":{"type":"map","values":{"type":"map","values":"float"}}},
          {"name":"maybeMap","type":["null",{"type":"map","values":{"type":"array","items":"int"}}]},
          {"name":"maybeList","type":["null",{"type":"array","items":{"type":"map","values":"Mood"}}]},
          {"name":"items","type":{"type":"array","items":{"type":"record","name":"Item","fields":[
            {"name":"name","type":"string"},{"name":"note","type":"string"},{"name":"qty","type":"int"},
            {"name":"at","type":{"type":"long","logicalType":"timestamp-millis"}},{"name":"tags","type":{"type":"map","values":"string"}}]}}},
          {"name":"itemByKey","type":{"type":"map","values":"Item"}},
          {"name":"maybeItem","type":["null","Item"]},
          {"name":"times","type":{"type":"array","items":["null",{"type":"long","logicalType":"timestamp-micros"}]}},
          {"name":"count","type":"int"},
          {"name":"fraction","type":"float"},
          {"name":"label","type":"string"},
          {"name":"gone","type":{"type":"map","values":{"type":"array","items":"Mood"}}}
        ]}
        """);

    private RegistryFixture _registry = null!;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that the serde reads the old writer's bytes into the generated class as the Avro specification resolves them.</summary>
    [Fact]
    public void The_serde_must_resolve_the_old_writer_into_the_generated_class()
    {
        var payload = AvroSerde.Generic(_registry.Client).Serialize(OldValue(), "old-shapes");

        var read = AvroSerde.For<Shapes>(_registry.Client).Deserialize(payload, "old-shapes", 0, 0);

        SpecificAssert.Same(Expected(), read, "Shapes");
    }

    /// <summary>Verify that the state serializer restores old state into the generated class the same way.</summary>
    [Fact]
    public void The_state_serializer_must_resolve_it_too()
    {
        var buffer = new ArrayBufferWriter<byte>();
        Serializers.AvroGeneric(Old).Write(new StateWriter(buffer), OldValue());

        var reader = new StateReader(buffer.WrittenSpan);
        var read = Serializers.Avro<Shapes>().Read(ref reader);

        SpecificAssert.Same(Expected(), read, "Shapes");
    }

    private static GenericRecord OldValue()
    {
        var mood = (EnumSchema)Old["mood"].Schema;
        var hash = (FixedSchema)Old["hash"].Schema;
        var amount = (FixedSchema)((LogicalSchema)Old["amount"].Schema).BaseSchema;
        var itemSchema = (RecordSchema)((ArraySchema)Old["items"].Schema).ItemSchema;
        GenericRecord Item(string name, int qty)
        {
            var item = new GenericRecord(itemSchema);
            item.Add("name", name);
            item.Add("note", "skipped " + name);
            item.Add("qty", qty);
            item.Add("at", new DateTime(2024, 1, 2, 3, 4, 5, qty, DateTimeKind.Utc));
            item.Add("tags", new Dictionary<string, object> { ["k"] = name });
            return item;
        }

        var r = new GenericRecord(Old);
        r.Add("mood", new GenericEnum(mood, "ANGRY"));
        r.Add("moods", new object[] { new GenericEnum(mood, "CALM"), new GenericEnum(mood, "ANGRY") });
        r.Add("maybeMoods", new object?[] { new GenericEnum(mood, "ANGRY"), null });
        r.Add("moodByKey", new Dictionary<string, object?> { ["x"] = new GenericEnum(mood, "ANGRY"), ["y"] = new GenericEnum(mood, "SAD") });
        r.Add("anything", new object[] { 1, int.MinValue });
        r.Add("hash", new GenericFixed(hash, [1, 2, 3, 4]));
        r.Add("maybeHash", new GenericFixed(hash, [4, 3, 2, 1]));
        r.Add("hashes", new object[] { new GenericFixed(hash, [5, 6, 7, 8]) });
        r.Add("hashByKey", new Dictionary<string, object> { ["h"] = new GenericFixed(hash, [9, 9, 9, 9]) });
        r.Add("price", new AvroDecimal(12.34m));
        r.Add("amount", new AvroDecimal(-1234.567m));
        r.Add("maybeAmount", null);
        r.Add("amounts", new object[] { new GenericFixed(amount, [0, 0, 0, 0, 0, 0, 0x30, 0x39]) });
        r.Add("maybePrice", null);
        r.Add("listOfMaps", new object[] { new Dictionary<string, object> { ["a"] = 1 } });
        r.Add("mapOfLists", new Dictionary<string, object> { ["l"] = new object[] { "s"u8.ToArray(), "é"u8.ToArray() } });
        r.Add("mapOfMaps", new Dictionary<string, object> { ["m"] = new Dictionary<string, object> { ["n"] = 1.5f } });
        r.Add("maybeMap", null);
        r.Add("maybeList", new object[] { new Dictionary<string, object> { ["z"] = new GenericEnum(mood, "ANGRY") } });
        r.Add("items", new object[] { Item("a", 1), Item("b", 2) });
        r.Add("itemByKey", new Dictionary<string, object> { ["i"] = Item("c", 5) });
        r.Add("maybeItem", Item("d", 8));
        r.Add("times", new object?[] { new DateTime(2024, 1, 1, 0, 0, 0, 1, 2, DateTimeKind.Utc) });
        r.Add("count", 7);
        r.Add("fraction", 0.25f);
        r.Add("label", "hé");
        r.Add("gone", new Dictionary<string, object> { ["g"] = new object[] { new GenericEnum(mood, "GLAD") } });
        return r;
    }

    private static Shapes Expected() => new()
    {
        mood = Mood.UNKNOWN,
        maybeMood = null,
        moods = [Mood.CALM, Mood.UNKNOWN],
        maybeMoods = [Mood.UNKNOWN, null],
        moodByKey = new Dictionary<string, Mood?> { ["x"] = Mood.UNKNOWN, ["y"] = Mood.SAD },
        anything = new List<long> { 1, int.MinValue },
        hash = new Hash { Value = [1, 2, 3, 4] },
        maybeHash = new Hash { Value = [4, 3, 2, 1] },
        hashes = [new Hash { Value = [5, 6, 7, 8] }],
        hashByKey = new Dictionary<string, Hash> { ["h"] = new Hash { Value = [9, 9, 9, 9] } },
        price = new AvroDecimal(12.34m),
        amount = new AvroDecimal(-1234.567m),
        maybeAmount = null,
        amounts = [new Amount { Value = [0, 0, 0, 0, 0, 0, 0x30, 0x39] }],
        prices = new Dictionary<string, AvroDecimal>(),
        maybePrice = null,
        listOfMaps = [new Dictionary<string, int> { ["a"] = 1 }],
        mapOfLists = new Dictionary<string, IList<string>> { ["l"] = ["s", "é"] },
        mapOfMaps = new Dictionary<string, IDictionary<string, double>> { ["m"] = new Dictionary<string, double> { ["n"] = 1.5 } },
        maybeMap = null,
        maybeList = [new Dictionary<string, Mood> { ["z"] = Mood.UNKNOWN }],
        items = [ShapesSamples.SpecificItem("a", 1), ShapesSamples.SpecificItem("b", 2)],
        itemByKey = new Dictionary<string, Item> { ["i"] = ShapesSamples.SpecificItem("c", 5) },
        maybeItem = ShapesSamples.SpecificItem("d", 8),
        times = [new DateTime(2024, 1, 1, 0, 0, 0, 1, 2, DateTimeKind.Utc)],
        days = new Dictionary<string, DateTime>(),
        ids = [],
        count = 7,
        ratio = 0.25,
        label = "hé"u8.ToArray(),
    };
}
