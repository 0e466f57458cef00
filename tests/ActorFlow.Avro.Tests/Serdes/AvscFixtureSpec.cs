using System.Buffers.Binary;
using System.Text.Json.Nodes;
using ActorFlow.Avro.Tests.Support;
using Avro.Generic;
using AvroSchema = Avro.Schema;

namespace ActorFlow.Avro.Tests.Serdes;

/// <summary>
/// Our Avro binary reading, writing and schema resolution against values and bytes written by avsc, an independent
/// implementation (Fixtures/avsc/README.md says how the fixtures were made and what their canonical form is).
/// </summary>
public sealed class AvscFixtureSpec : IAsyncLifetime
{
    private static readonly Lazy<JsonArray> Fixtures = new(() =>
        JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "avsc", "cases.json")))!.AsArray());

    private RegistryFixture _registry = null!;

    /// <summary>Gets the fixtures written with one schema.</summary>
    public static TheoryData<string> Plain => Names(fixture => fixture["reader"] is null);

    /// <summary>Gets the fixtures read with a reader schema other than the writer's.</summary>
    public static TheoryData<string> Resolved => Names(fixture => fixture["reader"] is not null);

    public async Task InitializeAsync() => _registry = await RegistryFixture.StartAsync();

    public async Task DisposeAsync() => await _registry.DisposeAsync();

    /// <summary>Verify that our generic reader reads avsc's bytes as the value avsc wrote.</summary>
    [Theory]
    [MemberData(nameof(Plain))]
    [MemberData(nameof(Resolved))]
    public async Task Our_reader_must_read_avsc_bytes(string name)
    {
        var fixture = Fixture(name);
        var writer = AvroSchema.Parse(fixture["schema"]!.GetValue<string>());

        var record = AvroSerde.Generic(_registry.Client).Deserialize(await Payload(name, fixture));

        Assert.Equal(fixture["value"]!.ToJsonString(), AvscCanon.Of(writer, record)!.ToJsonString());
    }

    /// <summary>Verify that our writer encodes avsc's value to the very bytes avsc wrote (Avro binary is canonical for a schema and a value).</summary>
    [Theory]
    [MemberData(nameof(Plain))]
    public void Our_writer_must_write_avsc_bytes(string name)
    {
        var fixture = Fixture(name);
        var writer = AvroSchema.Parse(fixture["schema"]!.GetValue<string>());
        var record = (GenericRecord)AvscCanon.ToValue(writer, fixture["value"])!;

        var payload = AvroSerde.Generic(_registry.Client).Serialize(record, "avsc-" + name);

        Assert.Equal(fixture["hex"]!.GetValue<string>(), Convert.ToHexString(payload.AsSpan(AvroSerde<GenericRecord>.HeaderLength)).ToLowerInvariant());
    }

    /// <summary>Verify that reading avsc's bytes with another reader schema resolves them as avsc's resolver does (or as Apache Avro Java, where the fixture's note says they differ).</summary>
    [Theory]
    [MemberData(nameof(Resolved))]
    public async Task Our_resolution_must_match_avsc(string name)
    {
        var fixture = Fixture(name);
        var reader = AvroSchema.Parse(fixture["reader"]!.GetValue<string>());

        var record = AvroSerde.Generic(_registry.Client, reader).Deserialize(await Payload(name, fixture));

        Assert.Equal(fixture["readerValue"]!.ToJsonString(), AvscCanon.Of(reader, record)!.ToJsonString());
    }

    private static TheoryData<string> Names(Func<JsonNode, bool> which) =>
        new(Fixtures.Value.Where(f => which(f!)).Select(f => f!["name"]!.GetValue<string>()));

    private static JsonNode Fixture(string name) => Fixtures.Value.Single(f => f!["name"]!.GetValue<string>() == name)!;

    // The fixture's bytes behind the Confluent header, with its writer schema registered under a subject of its own.
    private async Task<byte[]> Payload(string name, JsonNode fixture)
    {
        var schema = new Confluent.SchemaRegistry.Schema(fixture["schema"]!.GetValue<string>(), Confluent.SchemaRegistry.SchemaType.Avro);
        var id = await _registry.Client.RegisterSchemaAsync("fixture-" + name, schema);
        var body = Convert.FromHexString(fixture["hex"]!.GetValue<string>());
        var payload = new byte[AvroSerde<GenericRecord>.HeaderLength + body.Length];
        BinaryPrimitives.WriteInt32BigEndian(payload.AsSpan(1), id);
        body.CopyTo(payload, AvroSerde<GenericRecord>.HeaderLength);
        return payload;
    }
}
