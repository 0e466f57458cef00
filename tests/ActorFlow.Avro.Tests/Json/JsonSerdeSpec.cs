using System.Text;
using ActorFlow.Avro.Json;
using ActorFlow.Avro.Tests.Records;
using ActorFlow.Avro.Tests.Support;

namespace ActorFlow.Avro.Tests.Json;

public sealed class JsonSerdeSpec
{
    /// <summary>Verify that a generated record round-trips as JSON without its Avro schema property.</summary>
    [Fact]
    public void A_generated_record_must_round_trip_as_JSON_without_its_schema()
    {
        var serde = new JsonSerde<Transaction>();
        var tx = Samples.Transaction(3);

        var bytes = serde.Serialize(tx, "tx");
        var back = serde.Deserialize(bytes, "tx");

        var text = Encoding.UTF8.GetString(bytes);
        Assert.DoesNotContain("Schema", text, StringComparison.Ordinal);
        Assert.Contains("\"id\":\"tx-3\"", text, StringComparison.Ordinal);
        Assert.Equal((tx.id, tx.account, tx.amount, tx.timestamp, tx.approved, tx.score, tx.items), (back.id, back.account, back.amount, back.timestamp, back.approved, back.score, back.items));
    }

    /// <summary>Verify that a payload that is not a JSON document of the type fails as InvalidJson naming its position.</summary>
    [Fact]
    public void Invalid_JSON_must_fail_typed()
    {
        var e = Assert.Throws<AvroSerdeException>(() => new JsonSerde<Transaction>().Deserialize("{\"id\": 5"u8.ToArray(), "tx", 1, 7));

        Assert.Equal((AvroFailure.InvalidJson, "tx", 1, 7L), (e.Failure, e.Topic, e.Partition, e.Offset));
    }
}
