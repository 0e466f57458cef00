using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;
using Avro;
using Avro.Generic;

namespace ActorFlow.Avro.Tests.Evolution;

/// <summary>Writer schema from the id, reader schema from the job: each case of Avro schema resolution the issue lists.</summary>
public sealed class RecordEvolutionSpec : IAsyncLifetime
{
    private RegistryFixture _registry = null!;
    private int _topic;

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that a reader field missing from the writer gets its default.</summary>
    [Fact]
    public void An_added_field_with_a_default_must_read_as_the_default()
    {
        var back = Evolve(Record("R", """{"name":"a","type":"int"}"""), r => r.Add("a", 1), Record("R", """{"name":"a","type":"int"}""", """{"name":"b","type":"string","default":"none"}"""));

        Assert.Equal(1, back["a"]);
        Assert.Equal("none", back["b"]);
    }

    /// <summary>Verify that a writer field the reader lacks is skipped.</summary>
    [Fact]
    public void A_removed_field_must_be_skipped()
    {
        var back = Evolve(
            Record("R", """{"name":"a","type":"int"}""", """{"name":"gone","type":{"type":"array","items":"string"}}""", """{"name":"c","type":"long"}"""),
            r =>
            {
                r.Add("a", 1);
                r.Add("gone", new object[] { "x", "y" });
                r.Add("c", 3L);
            },
            Record("R", """{"name":"a","type":"int"}""", """{"name":"c","type":"long"}"""));

        Assert.Equal(1, back["a"]);
        Assert.Equal(3L, back["c"]);
        Assert.False(back.TryGetValue("gone", out _));
    }

    /// <summary>Verify that a renamed field is read through the reader field's alias, and a renamed record through the record's alias.</summary>
    [Fact]
    public void Aliases_must_match_renamed_fields_and_records()
    {
        var back = Evolve(
            Record("Old", """{"name":"name","type":"string"}"""),
            r => r.Add("name", "ada"),
            Schema.Parse("""{"type":"record","name":"New","aliases":["Old"],"fields":[{"name":"fullName","aliases":["name"],"type":"string"}]}"""));

        Assert.Equal("ada", back["fullName"]);
    }

    /// <summary>
    /// Verify that a record, a nested record and an enum moved to another namespace read by their unqualified names, as
    /// Java reads them (its Resolver and the registry's compatibility check compare unqualified names).
    /// </summary>
    [Fact]
    public void A_namespace_change_must_read_by_the_unqualified_names()
    {
        static Schema Payment(string ns) => Schema.Parse($$$"""
            {"type":"record","name":"Payment","namespace":"{{{ns}}}","fields":[
              {"name":"id","type":"string"},
              {"name":"kind","type":{"type":"enum","name":"Kind","symbols":["CARD","CASH"]}},
              {"name":"payer","type":{"type":"record","name":"Party","fields":[{"name":"name","type":"string"}]}}]}
            """);
        var writer = Payment("com.acme.v1");
        var party = new GenericRecord((RecordSchema)((RecordSchema)writer)["payer"].Schema);
        party.Add("name", "ada");

        var back = Evolve(writer, r =>
        {
            r.Add("id", "p-1");
            r.Add("kind", new GenericEnum((EnumSchema)((RecordSchema)writer)["kind"].Schema, "CASH"));
            r.Add("payer", party);
        }, Payment("com.acme.v2"));

        Assert.Equal("com.acme.v2.Payment", back.Schema.Fullname);
        Assert.Equal("p-1", back["id"]);
        Assert.Equal("CASH", ((GenericEnum)back["kind"]).Value);
        Assert.Equal("ada", ((GenericRecord)back["payer"])["name"]);
    }

    /// <summary>Verify that a union branch moved to another namespace reads as the reader's branch of its unqualified name, not as the first branch of its kind.</summary>
    [Fact]
    public void A_union_branch_in_another_namespace_must_read_as_the_branch_of_its_name()
    {
        var writer = Record("R", """{"name":"f","type":["null",{"type":"record","name":"A","namespace":"ns1","fields":[{"name":"x","type":"int"}]}]}""");
        var a = new GenericRecord((RecordSchema)((UnionSchema)((RecordSchema)writer)["f"].Schema).Schemas[1]);
        a.Add("x", 7);

        var back = Evolve(writer, r => r.Add("f", a), Record("R", """{"name":"f","type":["null",{"type":"record","name":"B","namespace":"ns2","fields":[{"name":"z","type":"string"}]},{"type":"record","name":"A","namespace":"ns2","fields":[{"name":"x","type":"int"}]}]}"""));

        Assert.Equal("ns2.A", ((GenericRecord)back["f"]).Schema.Fullname);
        Assert.Equal(7, ((GenericRecord)back["f"])["x"]);
    }

    /// <summary>
    /// Verify that two writer types of one unqualified name (ns1.Item, ns2.Item) read as one reader type fail with the
    /// schema's error instead of the second being decoded with the first one's layout (its long read as the int field).
    /// </summary>
    [Fact]
    public void Two_writer_types_of_one_unqualified_name_must_not_read_with_one_layout()
    {
        var writer = Record("Outer",
            """{"name":"a","type":{"type":"record","name":"Item","namespace":"ns1","fields":[{"name":"x","type":"int"}]}}""",
            """{"name":"b","type":{"type":"record","name":"Item","namespace":"ns2","fields":[{"name":"y","type":"long"}]}}""");
        var reader = Record("Outer",
            """{"name":"a","type":{"type":"record","name":"Item","namespace":"ns3","fields":[{"name":"x","type":"int","default":0},{"name":"y","type":"long","default":0}]}}""",
            """{"name":"b","type":"ns3.Item"}""");

        var e = Assert.Throws<AvroSerdeException>(() => Evolve(writer, r =>
        {
            var a = new GenericRecord((RecordSchema)((RecordSchema)writer)["a"].Schema);
            a.Add("x", 1);
            var b = new GenericRecord((RecordSchema)((RecordSchema)writer)["b"].Schema);
            b.Add("y", 7L);
            r.Add("a", a);
            r.Add("b", b);
        }, reader));

        Assert.Equal(AvroFailure.UnresolvableSchema, e.Failure);
    }

    /// <summary>Verify every numeric promotion: int to long, float and double; long to float and double; float to double.</summary>
    [Theory]
    [InlineData("int", "long", 7, 7L)]
    [InlineData("int", "float", 7, 7f)]
    [InlineData("int", "double", 7, 7d)]
    [InlineData("long", "float", 8L, 8f)]
    [InlineData("long", "double", 8L, 8d)]
    [InlineData("float", "double", 1.5f, 1.5d)]
    public void Numeric_promotions_must_widen(string writerType, string readerType, object written, object expected)
    {
        var back = Evolve(Record("N", $$"""{"name":"v","type":"{{writerType}}"}"""), r => r.Add("v", written), Record("N", $$"""{"name":"v","type":"{{readerType}}"}"""));

        Assert.Equal(expected, back["v"]);
    }

    /// <summary>Verify that strings are read as bytes (UTF-8) and bytes as strings.</summary>
    [Fact]
    public void String_and_bytes_must_promote_both_ways()
    {
        var asBytes = Evolve(Record("S", """{"name":"v","type":"string"}"""), r => r.Add("v", "é"), Record("S", """{"name":"v","type":"bytes"}"""));
        var asString = Evolve(Record("B", """{"name":"v","type":"bytes"}"""), r => r.Add("v", "ok"u8.ToArray()), Record("B", """{"name":"v","type":"string"}"""));

        Assert.Equal("é"u8.ToArray(), asBytes["v"]);
        Assert.Equal("ok", asString["v"]);
    }

    /// <summary>Verify that a symbol the reader's enum lacks reads as the reader's default symbol.</summary>
    [Fact]
    public void An_unknown_enum_symbol_must_read_as_the_enum_default()
    {
        var writer = Record("E", """{"name":"c","type":{"type":"enum","name":"Color","symbols":["RED","GREEN","PURPLE"]}}""");
        var back = Evolve(
            writer,
            r => r.Add("c", new GenericEnum((EnumSchema)((RecordSchema)writer)["c"].Schema, "PURPLE")),
            Record("E", """{"name":"c","type":{"type":"enum","name":"Color","symbols":["RED","GREEN"],"default":"RED"}}"""));

        Assert.Equal("RED", ((GenericEnum)back["c"]).Value);
    }

    /// <summary>Verify unions: a plain writer type into a reader union (with promotion), and a writer union into a wider reader union.</summary>
    [Fact]
    public void Unions_must_resolve_branch_by_branch()
    {
        var intoUnion = Evolve(Record("U", """{"name":"v","type":"int"}"""), r => r.Add("v", 5), Record("U", """{"name":"v","type":["null","long"]}"""));
        var writerUnion = Record("W", """{"name":"v","type":["null","string"]}""");
        var nullBranch = Evolve(writerUnion, r => r.Add("v", null), Record("W", """{"name":"v","type":["null","string","int"]}"""));
        var stringBranch = Evolve(writerUnion, r => r.Add("v", "s"), Record("W", """{"name":"v","type":["null","string","int"]}"""));

        Assert.Equal(5L, intoUnion["v"]);
        Assert.Null(nullBranch["v"]);
        Assert.Equal("s", stringBranch["v"]);
    }

    /// <summary>Verify that a writer schema the reader cannot resolve fails as UnresolvableSchema naming the field and the rule.</summary>
    [Fact]
    public void An_unresolvable_writer_schema_must_fail_typed_naming_field_and_rule()
    {
        var topic = $"t{++_topic}";
        var writer = (RecordSchema)Record("R", """{"name":"a","type":"int"}""");
        var record = new GenericRecord(writer);
        record.Add("a", 1);
        var bytes = AvroSerde.Generic(_registry.Client).Serialize(record, topic);
        var reader = AvroSerde.Generic(_registry.Client, Record("R", """{"name":"a","type":"int"}""", """{"name":"required","type":"string"}"""));

        var e = Assert.Throws<AvroSerdeException>(() => reader.Deserialize(bytes, topic, 2, 11));

        Assert.Equal(AvroFailure.UnresolvableSchema, e.Failure);
        Assert.Contains("required", e.Message, StringComparison.Ordinal);
        Assert.Contains("READER_FIELD_MISSING_DEFAULT_VALUE", e.Message, StringComparison.Ordinal);
        Assert.Equal((2, 11L), (e.Partition, e.Offset));
    }

    /// <summary>Verify the worked example: a v1 producer's records read by the v2 specific type (default currency), and v2 records read by a v1 consumer.</summary>
    [Fact]
    public void Version_1_and_version_2_of_a_record_must_read_each_other()
    {
        var v1 = Schema.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Schemas", "account_v1.avsc")));
        var old = new GenericRecord((RecordSchema)v1);
        old.Add("id", "acc-1");
        old.Add("balance", 100L);
        var v2Serde = AvroSerde.For<Account>(_registry.Client);

        var upgraded = v2Serde.Deserialize(AvroSerde.Generic(_registry.Client).Serialize(old, "accounts"));
        var downgraded = AvroSerde.Generic(_registry.Client, v1).Deserialize(v2Serde.Serialize(new Account { id = "acc-2", balance = 5, currency = "CHF" }, "accounts"));

        Assert.Equal(("acc-1", 100L, "EUR"), (upgraded.id, upgraded.balance, upgraded.currency));
        Assert.Equal("acc-2", downgraded["id"]);
        Assert.Equal(5L, downgraded["balance"]);
        Assert.False(downgraded.TryGetValue("currency", out _));
    }

    private static Schema Record(string name, params string[] fields) =>
        Schema.Parse($$"""{"type":"record","name":"{{name}}","fields":[{{string.Join(",", fields)}}]}""");

    private GenericRecord Evolve(Schema writer, Action<GenericRecord> fill, Schema reader)
    {
        var topic = $"t{++_topic}";
        var record = new GenericRecord((RecordSchema)writer);
        fill(record);
        var bytes = AvroSerde.Generic(_registry.Client).Serialize(record, topic);
        return AvroSerde.Generic(_registry.Client, reader).Deserialize(bytes, topic, 0, 0);
    }
}
