using ActorFlow.Avro.Tests.Records;
using Avro;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Support;

/// <summary>
/// One value of <see cref="Shapes"/> made twice by hand: as the generated class, and as Apache.Avro generic values of
/// its schema (the independent path: <see cref="GenericDatumWriter{T}"/> writes it without any generated code).
/// </summary>
public static class ShapesSamples
{
    private static readonly RecordSchema Schema = (RecordSchema)Shapes._SCHEMA;

    /// <summary>Gets the schema of <see cref="Mood"/>.</summary>
    public static EnumSchema MoodSchema { get; } = (EnumSchema)Schema["mood"].Schema;

    /// <summary>Gets the schema of <see cref="Hash"/>.</summary>
    public static FixedSchema HashSchema { get; } = (FixedSchema)Schema["hash"].Schema;

    /// <summary>Gets the schema of <see cref="Amount"/> (the fixed under the decimal of <c>amount</c>).</summary>
    public static FixedSchema AmountSchema { get; } = (FixedSchema)((LogicalSchema)Schema["amount"].Schema).BaseSchema;

    /// <summary>Gets the schema of <see cref="Item"/>.</summary>
    public static RecordSchema ItemSchema { get; } = (RecordSchema)((UnionSchema)Schema["anything"].Schema).Schemas.Single(s => s.Name == "Item");

    /// <summary>The values <c>anything</c> (a union of null, string, enum, fixed, array, map and record) takes in the tests, by name.</summary>
    public static IReadOnlyList<string> AnythingBranches { get; } = ["null", "string", "enum", "fixed", "array", "map", "record"];

    /// <summary>The generated record, with <c>anything</c> set to the branch named <paramref name="anything"/>.</summary>
    /// <param name="anything">One of <see cref="AnythingBranches"/>.</param>
    /// <returns>The record.</returns>
    public static Shapes Specific(string anything = "enum") => new()
    {
        mood = Mood.SAD,
        maybeMood = Mood.GLAD,
        moods = [Mood.CALM, Mood.SAD, Mood.CALM],
        maybeMoods = [null, Mood.GLAD, Mood.UNKNOWN],
        moodByKey = new Dictionary<string, Mood?> { ["x"] = Mood.CALM, ["y"] = null },
        anything = anything switch
        {
            "null" => null,
            "string" => "text",
            "enum" => Mood.GLAD,
            "fixed" => new Hash { Value = [0xCA, 0xFE, 0xBA, 0xBE] },
            "array" => new List<long> { 1, long.MaxValue },
            "map" => new Dictionary<string, string> { ["k"] = "v" },
            _ => SpecificItem("any", 3),
        },
        hash = new Hash { Value = [1, 2, 3, 4] },
        maybeHash = null,
        hashes = [new Hash { Value = [5, 6, 7, 8] }, new Hash { Value = [0, 0, 0, 0] }],
        hashByKey = new Dictionary<string, Hash> { ["h"] = new Hash { Value = [9, 9, 9, 9] } },
        price = new AvroDecimal(12.34m),
        amount = new AvroDecimal(-1234.567m),
        maybeAmount = new Amount { Value = [0, 0, 0, 0, 0, 0, 0x30, 0x39] },
        amounts = [new Amount { Value = [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] }],
        prices = new Dictionary<string, AvroDecimal> { ["p"] = new AvroDecimal(1.50m), ["q"] = new AvroDecimal(-0.01m) },
        maybePrice = new AvroDecimal(7.00m),
        listOfMaps = [new Dictionary<string, int> { ["a"] = 1, ["b"] = -2 }, new Dictionary<string, int>()],
        mapOfLists = new Dictionary<string, IList<string>> { ["l"] = ["s", "t"], ["empty"] = [] },
        mapOfMaps = new Dictionary<string, IDictionary<string, double>> { ["m"] = new Dictionary<string, double> { ["n"] = 1.5, ["o"] = -0.25 } },
        maybeMap = new Dictionary<string, IList<int>> { ["q"] = [1, 2] },
        maybeList = [new Dictionary<string, Mood> { ["z"] = Mood.SAD }],
        items = [SpecificItem("a", 1), SpecificItem("b", 2)],
        itemByKey = new Dictionary<string, Item> { ["i"] = SpecificItem("c", 5) },
        maybeItem = SpecificItem("d", 8),
        times = [null, new DateTime(2024, 1, 1, 0, 0, 0, 1, 2, DateTimeKind.Utc)],
        days = new Dictionary<string, DateTime> { ["leap"] = new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc) },
        ids = [Guid.Parse("01234567-89ab-cdef-0123-456789abcdef")],
        count = 5,
        ratio = 0.5,
        label = [1, 2],
    };

    /// <summary>The same value as <see cref="Specific"/>, as a generic record of <see cref="Shapes"/>'s schema.</summary>
    /// <param name="anything">One of <see cref="AnythingBranches"/>.</param>
    /// <returns>The record.</returns>
    public static GenericRecord Generic(string anything = "enum")
    {
        var r = new GenericRecord(Schema);
        r.Add("mood", Symbol("SAD"));
        r.Add("maybeMood", Symbol("GLAD"));
        r.Add("moods", new object[] { Symbol("CALM"), Symbol("SAD"), Symbol("CALM") });
        r.Add("maybeMoods", new object?[] { null, Symbol("GLAD"), Symbol("UNKNOWN") });
        r.Add("moodByKey", new Dictionary<string, object?> { ["x"] = Symbol("CALM"), ["y"] = null });
        r.Add("anything", anything switch
        {
            "null" => null,
            "string" => "text",
            "enum" => Symbol("GLAD"),
            "fixed" => new GenericFixed(HashSchema, [0xCA, 0xFE, 0xBA, 0xBE]),
            "array" => new object[] { 1L, long.MaxValue },
            "map" => new Dictionary<string, object> { ["k"] = "v" },
            _ => GenericItem("any", 3),
        });
        r.Add("hash", new GenericFixed(HashSchema, [1, 2, 3, 4]));
        r.Add("maybeHash", null);
        r.Add("hashes", new object[] { new GenericFixed(HashSchema, [5, 6, 7, 8]), new GenericFixed(HashSchema, [0, 0, 0, 0]) });
        r.Add("hashByKey", new Dictionary<string, object> { ["h"] = new GenericFixed(HashSchema, [9, 9, 9, 9]) });
        r.Add("price", new AvroDecimal(12.34m));
        r.Add("amount", new AvroDecimal(-1234.567m));
        r.Add("maybeAmount", new GenericFixed(AmountSchema, [0, 0, 0, 0, 0, 0, 0x30, 0x39]));
        r.Add("amounts", new object[] { new GenericFixed(AmountSchema, [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]) });
        r.Add("prices", new Dictionary<string, object> { ["p"] = new AvroDecimal(1.50m), ["q"] = new AvroDecimal(-0.01m) });
        r.Add("maybePrice", new AvroDecimal(7.00m));
        r.Add("listOfMaps", new object[] { new Dictionary<string, object> { ["a"] = 1, ["b"] = -2 }, new Dictionary<string, object>() });
        r.Add("mapOfLists", new Dictionary<string, object> { ["l"] = new object[] { "s", "t" }, ["empty"] = Array.Empty<object>() });
        r.Add("mapOfMaps", new Dictionary<string, object> { ["m"] = new Dictionary<string, object> { ["n"] = 1.5, ["o"] = -0.25 } });
        r.Add("maybeMap", new Dictionary<string, object> { ["q"] = new object[] { 1, 2 } });
        r.Add("maybeList", new object[] { new Dictionary<string, object> { ["z"] = Symbol("SAD") } });
        r.Add("items", new object[] { GenericItem("a", 1), GenericItem("b", 2) });
        r.Add("itemByKey", new Dictionary<string, object> { ["i"] = GenericItem("c", 5) });
        r.Add("maybeItem", GenericItem("d", 8));
        r.Add("times", new object?[] { null, new DateTime(2024, 1, 1, 0, 0, 0, 1, 2, DateTimeKind.Utc) });
        r.Add("days", new Dictionary<string, object> { ["leap"] = new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc) });
        r.Add("ids", new object[] { Guid.Parse("01234567-89ab-cdef-0123-456789abcdef") });
        r.Add("count", 5L);
        r.Add("ratio", 0.5);
        r.Add("label", new byte[] { 1, 2 });
        return r;
    }

    /// <summary>The generated item of <paramref name="name"/> and <paramref name="qty"/>.</summary>
    /// <param name="name">The name.</param>
    /// <param name="qty">The quantity.</param>
    /// <returns>The item.</returns>
    public static Item SpecificItem(string name, int qty) => new()
    {
        name = name,
        qty = qty,
        at = new DateTime(2024, 1, 2, 3, 4, 5, qty, DateTimeKind.Utc),
        tags = new Dictionary<string, string> { ["k"] = name },
    };

    /// <summary>The item of <see cref="SpecificItem"/> as a generic record.</summary>
    /// <param name="name">The name.</param>
    /// <param name="qty">The quantity.</param>
    /// <returns>The item.</returns>
    public static GenericRecord GenericItem(string name, int qty)
    {
        var item = new GenericRecord(ItemSchema);
        item.Add("name", name);
        item.Add("qty", qty);
        item.Add("at", new DateTime(2024, 1, 2, 3, 4, 5, qty, DateTimeKind.Utc));
        item.Add("tags", new Dictionary<string, object> { ["k"] = name });
        return item;
    }

    private static GenericEnum Symbol(string symbol) => new(MoodSchema, symbol);
}
