using System.Buffers.Binary;
using System.Net;
using System.Text.Json;
using ActorFlow.Avro.Registry;
using ActorFlow.Avro.Tests.Support;
using Avro;
using Avro.Generic;
using Avro.IO;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// A writer schema with Confluent schema references (a type defined under another subject), as Confluent's serializers
/// register the "several event types in one topic" union: the serde fetches the referenced subjects' versions (and
/// theirs) and parses the schema with their types, as Confluent's deserializers do (<c>AvroUtils.ResolveNamedSchema</c>).
/// The embedded registry keeps no references, so a registry stand-in serves them here.
/// </summary>
public sealed class SchemaReferencesSpec
{
    private const string Address = """{"type":"record","name":"Address","namespace":"com.acme","fields":[{"name":"city","type":"string"}]}""";
    private const string Order = """{"type":"record","name":"Order","namespace":"com.acme","fields":[{"name":"id","type":"string"},{"name":"shipTo","type":"com.acme.Address"}]}""";
    private const string Refund = """{"type":"record","name":"Refund","namespace":"com.acme","fields":[{"name":"order","type":"string"},{"name":"amount","type":"long"}]}""";

    /// <summary>Verify that records of a union of referenced types, one of which references a third, read with every field; and that a reference the registry does not have is an UnknownSchemaId failure naming it.</summary>
    [Fact]
    public void A_writer_schema_with_references_must_read_with_the_referenced_types()
    {
        using var registry = new FakeHttpRegistry(
            ("/schemas/ids/20", HttpStatusCode.OK, Json(new { schema = """["com.acme.Order","com.acme.Refund"]""", references = new[] { Ref("com.acme.Order", "order"), Ref("com.acme.Refund", "refund") } })),
            ("/schemas/ids/21", HttpStatusCode.OK, Json(new { schema = """["com.acme.Refund"]""", references = new[] { Ref("com.acme.Refund", "refunds-gone") } })),
            ("/subjects/order/versions/1", HttpStatusCode.OK, Json(new { subject = "order", version = 1, id = 12, schema = Order, references = new[] { Ref("com.acme.Address", "address") } })),
            ("/subjects/address/versions/1", HttpStatusCode.OK, Json(new { subject = "address", version = 1, id = 11, schema = Address })),
            ("/subjects/refund/versions/1", HttpStatusCode.OK, Json(new { subject = "refund", version = 1, id = 13, schema = Refund })));
        using var client = SchemaRegistries.Connect(registry.Url);
        var serde = AvroSerde.Generic(client);

        // The same union written self-contained, as a Java producer's serializer writes its records.
        var union = (UnionSchema)Schema.Parse($"[{Order.Replace("\"com.acme.Address\"", Address, StringComparison.Ordinal)},{Refund}]");
        var order = new GenericRecord((RecordSchema)union[0]);
        var shipTo = new GenericRecord((RecordSchema)((RecordSchema)union[0])["shipTo"].Schema);
        shipTo.Add("city", "Lyon");
        order.Add("id", "o-1");
        order.Add("shipTo", shipTo);
        var refund = new GenericRecord((RecordSchema)union[1]);
        refund.Add("order", "o-1");
        refund.Add("amount", 250L);

        var readOrder = serde.Deserialize(Payload(20, union, order), "events", 0, 0);
        var readRefund = serde.Deserialize(Payload(20, union, refund), "events", 0, 1);

        Assert.Equal("com.acme.Order", readOrder.Schema.Fullname);
        Assert.Equal("o-1", readOrder["id"]);
        Assert.Equal("Lyon", ((GenericRecord)readOrder["shipTo"])["city"]);
        Assert.Equal("com.acme.Refund", readRefund.Schema.Fullname);
        Assert.Equal(250L, readRefund["amount"]);

        var missing = Assert.Throws<AvroSerdeException>(() => serde.Deserialize(Payload(21, (UnionSchema)Schema.Parse($"[{Refund}]"), refund), "events", 0, 2));
        Assert.Equal(AvroFailure.UnknownSchemaId, missing.Failure);
        Assert.Contains("refunds-gone", missing.Message, StringComparison.Ordinal);
    }

    private static object Ref(string name, string subject) => new { name, subject, version = 1 };

    private static string Json(object value) => JsonSerializer.Serialize(value);

    /// <summary>The Confluent wire format: magic byte 0, the schema id big-endian, the Avro body.</summary>
    private static byte[] Payload(int id, Schema writer, GenericRecord record)
    {
        using var stream = new MemoryStream();
        stream.WriteByte(0);
        Span<byte> idBytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(idBytes, id);
        stream.Write(idBytes);
        new GenericDatumWriter<object>(writer).Write(record, new BinaryEncoder(stream));
        return stream.ToArray();
    }
}
