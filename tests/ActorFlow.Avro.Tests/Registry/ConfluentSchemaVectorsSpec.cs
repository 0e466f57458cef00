using ActorFlow.Avro.Registry;

namespace ActorFlow.Avro.Tests.Registry;

/// <summary>
/// Confluent's own expectations (schema-registry v7.9.9, avro-serializer <c>AvroSchemaTest.testNormalization</c> and
/// <c>testNormalizationPreservesMetadataForPrimitiveTypes</c>): both <c>canonicalString()</c> and the canonical text
/// of <c>normalize()</c> are the given text.
/// </summary>
public sealed class ConfluentSchemaVectorsSpec
{
    public static TheoryData<string, string> Vectors => new()
    {
        {
            """{"type":"record","name":"myrecord","doc":"hi\"there","fields":[{"type":"string","name":"f1","doc":"bye\"now"}]}""",
            """{"type":"record","name":"myrecord","doc":"hi\"there","fields":[{"name":"f1","type":"string","doc":"bye\"now"}]}"""
        },
        {
            """{"connect.name": "some.scope.Envelope","fields": [{"default": null,"name": "before","type": ["null",{"connect.name": "some.scope.Value","fields": [{"name": "created_at","type": {"connect.name": "io.debezium.time.Timestamp","connect.version": 1,"type": "long"}},{"name":"normal_long","type":"long"}],"name": "Value","type": "record"}]},{"default": null,"name": "after","type": ["null","Value"]}],"name": "Envelope","namespace": "some.scope","type": "record"}""",
            """{"type":"record","name":"Envelope","namespace":"some.scope","fields":[{"name":"before","type":["null",{"type":"record","name":"Value","fields":[{"name":"created_at","type":{"type":"long","connect.name":"io.debezium.time.Timestamp","connect.version":1}},{"name":"normal_long","type":"long"}],"connect.name":"some.scope.Value"}],"default":null},{"name":"after","type":["null","Value"],"default":null}],"connect.name":"some.scope.Envelope"}"""
        },
    };

    /// <summary>Verify the canonical text of each vector.</summary>
    [Theory]
    [MemberData(nameof(Vectors))]
    public void The_canonical_text_must_be_Confluents(string schema, string expected) =>
        Assert.Equal(expected, JavaSchemaText.Canonical(schema));

    /// <summary>Verify the canonical text of each vector's normalized form.</summary>
    [Theory]
    [MemberData(nameof(Vectors))]
    public void The_normalized_text_must_be_Confluents(string schema, string expected) =>
        Assert.Equal(expected, JavaSchemaText.Normalized(schema));
}
